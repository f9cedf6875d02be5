package org.hermod.sms;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.hermod.sms.Deliver.Alphabet;
import org.hermod.sms.Deliver.Concat;
import org.hermod.sms.SmsText.Encoding;

/**
 * TP-UDL and TP-UD (3GPP TS 23.040 9.2.3.16 and 9.2.3.24): optional user data header, then text;
 * after a header, GSM 7-bit text is preceded by fill bits up to the next septet boundary.
 */
record UserData(Alphabet alphabet, String text, Concat concat) {

    /** TP-UDL followed by TP-UD for one segment; {@code header} is the whole UDH or empty. */
    static byte[] encode(String text, Encoding encoding, byte[] header) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (encoding == Encoding.GSM7) {
            byte[] septets = Gsm7.toSeptets(text);
            int fill = fillBits(header.length);
            out.write((header.length * 8 + fill) / 7 + septets.length);
            out.writeBytes(header);
            out.writeBytes(Gsm7.pack(septets, fill));
        } else {
            byte[] ucs2 = text.getBytes(StandardCharsets.UTF_16BE);
            out.write(header.length + ucs2.length);
            out.writeBytes(header);
            out.writeBytes(ucs2);
        }
        return out.toByteArray();
    }

    static UserData decode(int dataCodingScheme, boolean hasHeader, int length, byte[] data) {
        Alphabet alphabet = alphabet(dataCodingScheme);
        int headerLength = hasHeader ? (requireLength(data, 1)[0] & 0xFF) + 1 : 0;
        Concat concat = hasHeader ? concat(requireLength(data, headerLength), headerLength) : null;
        String text;
        if (alphabet == Alphabet.GSM7) {
            int fill = fillBits(headerLength);
            int septets = length - (headerLength * 8 + fill) / 7;
            if (septets < 0) {
                throw new IllegalArgumentException("user data length " + length + " is shorter than its header");
            }
            text = Gsm7.fromSeptets(Gsm7.unpack(Arrays.copyOfRange(data, headerLength, data.length), septets, fill));
        } else {
            if (length < headerLength) {
                throw new IllegalArgumentException("user data length " + length + " is shorter than its header");
            }
            byte[] body = Arrays.copyOfRange(requireLength(data, length), headerLength, length);
            text = new String(body,
                    alphabet == Alphabet.UCS2 ? StandardCharsets.UTF_16BE : StandardCharsets.ISO_8859_1);
        }
        return new UserData(alphabet, text, concat);
    }

    /** TS 23.038 4: reserved codings are read as the GSM 7-bit default alphabet. */
    static Alphabet alphabet(int dcs) {
        int group = dcs >> 4;
        if (group <= 0x07) {
            if ((dcs & 0x20) != 0) {
                throw new IllegalArgumentException(
                        String.format("compressed user data is not supported (DCS 0x%02X)", dcs));
            }
            int bits = dcs >> 2 & 0x03;
            return bits == 1 ? Alphabet.EIGHT_BIT : bits == 2 ? Alphabet.UCS2 : Alphabet.GSM7;
        }
        if (group == 0x0E) {
            return Alphabet.UCS2;
        }
        return group == 0x0F && (dcs & 0x04) != 0 ? Alphabet.EIGHT_BIT : Alphabet.GSM7;
    }

    private static int fillBits(int headerLength) {
        return (7 - headerLength * 8 % 7) % 7;
    }

    private static Concat concat(byte[] data, int headerLength) {
        Concat concat = null;
        for (int i = 1; i < headerLength; ) {
            if (i + 2 > headerLength || i + 2 + (data[i + 1] & 0xFF) > headerLength) {
                throw new IllegalArgumentException("malformed user data header at octet " + i);
            }
            int id = data[i] & 0xFF;
            int length = data[i + 1] & 0xFF;
            int at = i + 2;
            if (id == 0x00 && length == 3) {
                concat = new Concat(data[at] & 0xFF, data[at + 1] & 0xFF, data[at + 2] & 0xFF);
            } else if (id == 0x08 && length == 4) {
                int reference = (data[at] & 0xFF) << 8 | data[at + 1] & 0xFF;
                concat = new Concat(reference, data[at + 2] & 0xFF, data[at + 3] & 0xFF);
            }
            i = at + length;
        }
        return concat;
    }

    private static byte[] requireLength(byte[] data, int length) {
        if (data.length < length) {
            throw new IllegalArgumentException("user data has " + data.length + " octets, expected " + length);
        }
        return data;
    }
}
