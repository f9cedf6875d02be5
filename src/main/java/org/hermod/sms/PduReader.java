package org.hermod.sms;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;

/** A cursor over the octets of a received PDU that reads the TS 23.040 field types. */
final class PduReader {

    private static final String DIGITS = "0123456789*#abc";

    private final byte[] octets;
    private int position;

    PduReader(String hex) {
        this.octets = HexFormat.of().parseHex(hex.strip());
    }

    int octet() {
        if (position >= octets.length) {
            throw new IllegalArgumentException("PDU ends at octet " + position + ", a field is missing");
        }
        return octets[position++] & 0xFF;
    }

    byte[] octets(int count) {
        if (position + count > octets.length) {
            throw new IllegalArgumentException("PDU ends at octet " + octets.length + ", needed " + (position + count));
        }
        position += count;
        return Arrays.copyOfRange(octets, position - count, position);
    }

    byte[] rest() {
        return octets(octets.length - position);
    }

    /** The SMSC address of TS 27.005 3.1: a length in octets, then a TS 24.008 address; null if empty. */
    String smsc() {
        int length = octet();
        if (length == 0) {
            return null;
        }
        int type = octet();
        return number(type, octets(length - 1), (length - 1) * 2);
    }

    /** A TP address (TS 23.040 9.1.2.5): a length in useful semi-octets, the type of address, the value. */
    String address() {
        int semiOctets = octet();
        int type = octet();
        byte[] value = octets((semiOctets + 1) / 2);
        if ((type >> 4 & 0x07) == 0x05) {
            return Gsm7.fromSeptets(Gsm7.unpack(value, semiOctets * 4 / 7, 0));
        }
        return number(type, value, semiOctets);
    }

    /** A TP-SCTS style time stamp (TS 23.040 9.2.3.11); two-digit years 70-99 are read as 19xx. */
    OffsetDateTime timestamp() {
        int[] field = new int[6];
        for (int i = 0; i < field.length; i++) {
            field[i] = swappedBcd(octet());
        }
        int zone = octet();
        int quarters = swappedBcd(zone & 0xF7) * ((zone & 0x08) != 0 ? -1 : 1);
        int year = field[0] + (field[0] < 70 ? 2000 : 1900);
        try {
            return OffsetDateTime.of(year, field[1], field[2], field[3], field[4], field[5], 0,
                    ZoneOffset.ofTotalSeconds(quarters * 15 * 60));
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("invalid time stamp before octet " + position, e);
        }
    }

    private static String number(int type, byte[] value, int semiOctets) {
        StringBuilder number = new StringBuilder((type >> 4 & 0x07) == 0x01 ? "+" : "");
        for (int i = 0; i < semiOctets; i++) {
            int digit = (value[i / 2] >> (i % 2 * 4)) & 0x0F;
            if (digit == 0x0F) {
                break;
            }
            number.append(DIGITS.charAt(digit));
        }
        return number.toString();
    }

    private static int swappedBcd(int octet) {
        return (octet & 0x0F) * 10 + (octet >> 4);
    }
}
