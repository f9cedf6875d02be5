package org.hermod.sms;

/**
 * GSM 7-bit default alphabet and its basic extension table (3GPP TS 23.038, 6.2.1 and 6.2.1.1),
 * and the packing of septets into octets (TS 23.038, 6.1.2.1) used by SMS user data.
 * Hand-written because no maintained Java library offers GSM 03.38 + PDU on Java 17 without heavy deps.
 *
 * <p>Septets are carried one per byte. An extension character is two septets: {@link #ESCAPE}
 * followed by its code in the extension table.
 */
public final class Gsm7 {

    /** Escape to the extension table (0x1B). */
    public static final int ESCAPE = 0x1B;

    private static final String BASIC =
            "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001BÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    private static final char[] EXTENSION = new char[128];

    /**
     * Every char's code plus one, 0 for none: looked up for every char of every SMS (a broadcast encodes its text once
     * per recipient, several times each), where searching the alphabet cost as much as the rest of a submit.
     */
    private static final byte[] BASIC_CODE = new byte[Character.MAX_VALUE + 1];
    private static final byte[] EXTENSION_CODE = new byte[Character.MAX_VALUE + 1];

    static {
        int[] codes = {0x0A, 0x14, 0x28, 0x29, 0x2F, 0x3C, 0x3D, 0x3E, 0x40, 0x65};
        String chars = "\f^{}\\[~]|€";
        for (int i = 0; i < codes.length; i++) {
            EXTENSION[codes[i]] = chars.charAt(i);
            EXTENSION_CODE[chars.charAt(i)] = (byte) (codes[i] + 1);
        }
        for (int code = BASIC.length() - 1; code >= 0; code--) { // the first code of a char wins, as indexOf found it
            if (code != ESCAPE) {
                BASIC_CODE[BASIC.charAt(code)] = (byte) (code + 1);
            }
        }
    }

    private Gsm7() {
    }

    /** Whether every char of {@code text} is in the default alphabet or its extension table. */
    public static boolean canEncode(CharSequence text) {
        return firstUnencodable(text) < 0;
    }

    /** Septets needed for {@code text}; extension characters count two. */
    public static int septetCount(CharSequence text) {
        int count = 0;
        for (int i = 0; i < text.length(); i++) {
            count += septetCount(text.charAt(i));
        }
        return count;
    }

    /** Septets for one char: 1 in the default alphabet, 2 in the extension table, 0 if unencodable. */
    static int septetCount(char c) {
        if (basicCode(c) >= 0) {
            return 1;
        }
        return extensionCode(c) >= 0 ? 2 : 0;
    }

    /**
     * Encodes {@code text} as septets, one per byte, escape sequences included.
     *
     * @throws IllegalArgumentException naming the first char outside the alphabet and its index
     */
    public static byte[] toSeptets(String text) {
        int bad = firstUnencodable(text);
        if (bad >= 0) {
            char c = text.charAt(bad);
            throw new IllegalArgumentException(String.format(
                    "not in the GSM 7-bit alphabet: '%s' (U+%04X) at index %d", c, (int) c, bad));
        }
        byte[] septets = new byte[septetCount(text)];
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            int code = basicCode(c);
            if (code < 0) {
                septets[n++] = ESCAPE;
                code = extensionCode(c);
            }
            septets[n++] = (byte) code;
        }
        return septets;
    }

    /**
     * Decodes septets, one per byte. An escape followed by a code the extension table lacks decodes
     * as the default-alphabet character (TS 23.038 6.2.1.1); a trailing escape decodes as a space.
     */
    public static String fromSeptets(byte[] septets) {
        StringBuilder text = new StringBuilder(septets.length);
        for (int i = 0; i < septets.length; i++) {
            int code = septets[i] & 0x7F;
            if (code != ESCAPE) {
                text.append(BASIC.charAt(code));
            } else if (i + 1 == septets.length) {
                text.append(' ');
            } else {
                int next = septets[++i] & 0x7F;
                char c = EXTENSION[next];
                text.append(c != 0 ? c : next == ESCAPE ? ' ' : BASIC.charAt(next));
            }
        }
        return text.toString();
    }

    /**
     * Packs septets into octets, least significant bit first. {@code fillBits} zero bits come first,
     * so that text after a user data header starts on a septet boundary (TS 23.040 9.2.3.24).
     */
    public static byte[] pack(byte[] septets, int fillBits) {
        requireFillBits(fillBits);
        byte[] packed = new byte[(fillBits + septets.length * 7 + 7) / 8];
        for (int i = 0; i < septets.length; i++) {
            int bit = fillBits + i * 7;
            int value = (septets[i] & 0x7F) << (bit % 8);
            packed[bit / 8] |= (byte) value;
            if (value > 0xFF) {
                packed[bit / 8 + 1] |= (byte) (value >> 8);
            }
        }
        return packed;
    }

    /** Reverses {@link #pack}: reads {@code septetCount} septets after {@code fillBits} bits. */
    public static byte[] unpack(byte[] packed, int septetCount, int fillBits) {
        requireFillBits(fillBits);
        if (fillBits + septetCount * 7 > packed.length * 8) {
            throw new IllegalArgumentException(
                    septetCount + " septets need more than the " + packed.length + " octets given");
        }
        byte[] septets = new byte[septetCount];
        for (int i = 0; i < septetCount; i++) {
            int bit = fillBits + i * 7;
            int value = packed[bit / 8] & 0xFF;
            if (bit / 8 + 1 < packed.length) {
                value |= (packed[bit / 8 + 1] & 0xFF) << 8;
            }
            septets[i] = (byte) ((value >> (bit % 8)) & 0x7F);
        }
        return septets;
    }

    private static int firstUnencodable(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            if (septetCount(text.charAt(i)) == 0) {
                return i;
            }
        }
        return -1;
    }

    private static int basicCode(char c) {
        return (BASIC_CODE[c] & 0xFF) - 1;
    }

    private static int extensionCode(char c) {
        return (EXTENSION_CODE[c] & 0xFF) - 1;
    }

    private static void requireFillBits(int fillBits) {
        if (fillBits < 0 || fillBits > 6) {
            throw new IllegalArgumentException("fill bits must be 0..6, got " + fillBits);
        }
    }
}
