package org.hermod.smpp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.hermod.sms.Gsm7;
import org.hermod.sms.SmsText;

/**
 * The submit_sm bodies for one SMS text (SMPP 3.4, 5.2.12 esm_class, 5.2.19 data_coding; TS 23.040 9.2.3.24.1
 * concatenation). GSM 7-bit text goes as data_coding 0 in the SMSC default alphabet, one septet per octet
 * (unpacked, as SMPP carries it); anything else as UCS-2 (data_coding 8, UTF-16BE). A text longer than one
 * segment becomes several parts, each with esm_class UDHI (0x40) and the 8-bit-reference concatenation header
 * {@code 05 00 03 ref total seq}, split where {@link SmsText#split()} splits (never inside an escape sequence or
 * a surrogate pair).
 */
public final class SmppParts {

    public static final byte DATA_CODING_DEFAULT = 0x00;
    public static final byte DATA_CODING_UCS2 = 0x08;
    public static final byte ESM_CLASS_DEFAULT = 0x00;
    public static final byte ESM_CLASS_UDHI = 0x40;

    /** One submit_sm body. */
    public record Part(byte esmClass, byte dataCoding, byte[] shortMessage) {
    }

    private SmppParts() {
    }

    /**
     * The parts of {@code text}; {@code reference} (0–255) ties the parts of one message together. Derive it from
     * the SMS id, so a retried SMS carries the same reference and the handset can reassemble it.
     */
    public static List<Part> of(SmsText text, int reference) {
        boolean ucs2 = text.encoding() == SmsText.Encoding.UCS2;
        byte dataCoding = ucs2 ? DATA_CODING_UCS2 : DATA_CODING_DEFAULT;
        List<String> segments = text.split();
        if (segments.size() <= 1) {
            return List.of(new Part(ESM_CLASS_DEFAULT, dataCoding, encode(text.text(), ucs2)));
        }
        List<Part> parts = new ArrayList<>(segments.size());
        for (int i = 0; i < segments.size(); i++) {
            byte[] body = encode(segments.get(i), ucs2);
            byte[] message = new byte[6 + body.length];
            message[0] = 0x05; // UDH length
            message[1] = 0x00; // IEI: concatenated short messages, 8-bit reference
            message[2] = 0x03; // IE length
            message[3] = (byte) reference;
            message[4] = (byte) segments.size();
            message[5] = (byte) (i + 1);
            System.arraycopy(body, 0, message, 6, body.length);
            parts.add(new Part(ESM_CLASS_UDHI, dataCoding, message));
        }
        return List.copyOf(parts);
    }

    private static byte[] encode(String text, boolean ucs2) {
        return ucs2 ? text.getBytes(StandardCharsets.UTF_16BE) : Gsm7.toSeptets(text);
    }

    /**
     * The text of a received short message: strips a user data header when {@code esm_class} has UDHI, decodes
     * UCS-2 (8), Latin-1 (3) or the default alphabet (0, anything else).
     */
    public static String decode(byte esmClass, byte dataCoding, byte[] message) {
        byte[] body = message == null ? new byte[0] : message;
        if ((esmClass & ESM_CLASS_UDHI) != 0 && body.length > 0) {
            int skip = Math.min(body.length, (body[0] & 0xFF) + 1);
            body = java.util.Arrays.copyOfRange(body, skip, body.length);
        }
        return switch (dataCoding & 0xFF) {
            case 0x08 -> new String(body, StandardCharsets.UTF_16BE);
            case 0x03 -> new String(body, StandardCharsets.ISO_8859_1);
            default -> Gsm7.fromSeptets(body);
        };
    }

    /**
     * The concatenation information element of an inbound short message's UDH (IEI 0x00 with an 8-bit
     * reference, 0x08 with a 16-bit one) as {reference, total, sequence}; null when there is none.
     */
    public static int[] concat(byte esmClass, byte[] message) {
        if ((esmClass & ESM_CLASS_UDHI) == 0 || message == null || message.length < 1) {
            return null;
        }
        int udhLength = message[0] & 0xFF;
        int i = 1;
        while (i + 1 < Math.min(message.length, udhLength + 1)) {
            int iei = message[i] & 0xFF;
            int len = message[i + 1] & 0xFF;
            if (i + 2 + len > message.length) {
                return null;
            }
            if (iei == 0x00 && len == 3) {
                return new int[] {message[i + 2] & 0xFF, message[i + 3] & 0xFF, message[i + 4] & 0xFF};
            }
            if (iei == 0x08 && len == 4) {
                return new int[] {((message[i + 2] & 0xFF) << 8) | (message[i + 3] & 0xFF), message[i + 4] & 0xFF,
                        message[i + 5] & 0xFF};
            }
            i += 2 + len;
        }
        return null;
    }
}
