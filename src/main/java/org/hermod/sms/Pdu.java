package org.hermod.sms;

import java.io.ByteArrayOutputStream;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.hermod.sms.SmsText.Encoding;

/**
 * SMS PDUs for a GSM modem in PDU mode (AT+CMGF=0, 3GPP TS 27.005): builds SMS-SUBMIT and reads
 * SMS-DELIVER and SMS-STATUS-REPORT as laid out in 3GPP TS 23.040 9.2.
 * Hand-written because no maintained Java library offers GSM 03.38 + PDU on Java 17 without heavy deps.
 *
 * <p>Submits carry a relative validity period of four days (TP-VP 0xAA), no protocol identifier,
 * and DCS 0x00 (GSM 7-bit) or 0x08 (UCS-2). A text longer than one segment gets the 8-bit
 * concatenation element (00 03 ref total seq) in every part.
 */
public final class Pdu {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    private static final Pattern NUMBER = Pattern.compile("\\+?[0-9]{1,20}");
    private static final int SUBMIT = 0x01;
    private static final int VALIDITY_RELATIVE = 0x10;
    private static final int STATUS_REPORT_REQUEST = 0x20;
    private static final int HEADER_INDICATOR = 0x40;
    private static final int VALIDITY_FOUR_DAYS = 0xAA;

    private Pdu() {
    }

    /**
     * One SMS-SUBMIT per segment of {@code text} (see {@link SmsText#split()}).
     *
     * @param smscOrNull service centre number, or null to let the modem use its configured one
     * @param e164Recipient "+" and digits (international, TON/NPI 0x91); plain digits go as unknown (0x81)
     * @param messageReference TP-MR of the first part, 0..255; later parts count up from it, wrapping at 256
     * @param concatReference 0..255, the same in every part of this message
     * @param statusReport whether to request an SMS-STATUS-REPORT (TP-SRR)
     * @throws IllegalArgumentException for an empty text, more than 255 parts, or a malformed number
     */
    public static List<SubmitPdu> submit(String smscOrNull, String e164Recipient, String text,
            int messageReference, int concatReference, boolean statusReport) {
        requireOctet("message reference", messageReference);
        requireOctet("concatenation reference", concatReference);
        SmsText sms = SmsText.of(text);
        if (sms.segments() == 0) {
            throw new IllegalArgumentException("text is empty");
        }
        if (sms.segments() > 255) {
            throw new IllegalArgumentException("text needs " + sms.segments() + " parts, at most 255 fit");
        }
        String smsc = smscOrNull == null ? "00" : HEX.formatHex(smscAddress(smscOrNull));
        byte[] recipient = address(e164Recipient);
        List<String> parts = sms.split();
        List<SubmitPdu> pdus = new ArrayList<>(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            boolean concatenated = parts.size() > 1;
            byte[] header = concatenated
                    ? new byte[] {5, 0, 3, (byte) concatReference, (byte) parts.size(), (byte) (i + 1)}
                    : new byte[0];
            ByteArrayOutputStream tpdu = new ByteArrayOutputStream();
            tpdu.write(SUBMIT | VALIDITY_RELATIVE
                    | (statusReport ? STATUS_REPORT_REQUEST : 0) | (concatenated ? HEADER_INDICATOR : 0));
            tpdu.write((messageReference + i) & 0xFF);
            tpdu.writeBytes(recipient);
            tpdu.write(0x00);
            tpdu.write(sms.encoding() == Encoding.GSM7 ? 0x00 : 0x08);
            tpdu.write(VALIDITY_FOUR_DAYS);
            tpdu.writeBytes(UserData.encode(parts.get(i), sms.encoding(), header));
            pdus.add(new SubmitPdu(smsc + HEX.formatHex(tpdu.toByteArray()), tpdu.size()));
        }
        return List.copyOf(pdus);
    }

    /**
     * Reads an SMS-DELIVER as a modem lists it in PDU mode (+CMGL, +CMGR, +CMT): SMSC field, then TPDU.
     *
     * @throws IllegalArgumentException if {@code hex} is not a well-formed SMS-DELIVER
     */
    public static Deliver parseDeliver(String hex) {
        PduReader pdu = new PduReader(hex);
        String smsc = pdu.smsc();
        int first = pdu.octet();
        requireType(first, 0x00, "SMS-DELIVER");
        String originator = pdu.address();
        pdu.octet();
        int dcs = pdu.octet();
        OffsetDateTime time = pdu.timestamp();
        int length = pdu.octet();
        UserData data = UserData.decode(dcs, (first & HEADER_INDICATOR) != 0, length, pdu.rest());
        return new Deliver(smsc, originator, time, data.alphabet(), data.text(), data.concat());
    }

    /**
     * Reads an SMS-STATUS-REPORT as a modem lists it in PDU mode (+CDS, +CMGR): SMSC field, then TPDU.
     *
     * @throws IllegalArgumentException if {@code hex} is not a well-formed SMS-STATUS-REPORT
     */
    public static StatusReport parseStatusReport(String hex) {
        PduReader pdu = new PduReader(hex);
        String smsc = pdu.smsc();
        requireType(pdu.octet(), 0x02, "SMS-STATUS-REPORT");
        int reference = pdu.octet();
        String recipient = pdu.address();
        OffsetDateTime serviceCentreTime = pdu.timestamp();
        OffsetDateTime dischargeTime = pdu.timestamp();
        return new StatusReport(smsc, reference, recipient, serviceCentreTime, dischargeTime, pdu.octet());
    }

    /** TP-DA (TS 23.040 9.1.2.5): its length counts digits. */
    private static byte[] address(String number) {
        byte[] value = semiOctets(number);
        return prefixed(number.replace("+", "").length(), value);
    }

    /** The SMSC field (TS 27.005 3.1): its length counts octets, the type of address included. */
    private static byte[] smscAddress(String number) {
        byte[] value = semiOctets(number);
        return prefixed(value.length, value);
    }

    private static byte[] prefixed(int length, byte[] value) {
        byte[] out = new byte[value.length + 1];
        out[0] = (byte) length;
        System.arraycopy(value, 0, out, 1, value.length);
        return out;
    }

    /** Type of address followed by the digits as swapped semi-octets. */
    private static byte[] semiOctets(String number) {
        if (number == null || !NUMBER.matcher(number).matches()) {
            throw new IllegalArgumentException("not a phone number: " + number);
        }
        String digits = number.replace("+", "");
        byte[] out = new byte[1 + (digits.length() + 1) / 2];
        out[0] = (byte) (number.startsWith("+") ? 0x91 : 0x81);
        for (int i = 0; i < digits.length(); i += 2) {
            int low = digits.charAt(i) - '0';
            int high = i + 1 < digits.length() ? digits.charAt(i + 1) - '0' : 0x0F;
            out[1 + i / 2] = (byte) (high << 4 | low);
        }
        return out;
    }

    private static void requireType(int firstOctet, int type, String name) {
        if ((firstOctet & 0x03) != type) {
            throw new IllegalArgumentException(String.format("not an %s: TP-MTI is %d", name, firstOctet & 0x03));
        }
    }

    private static void requireOctet(String name, int value) {
        if (value < 0 || value > 255) {
            throw new IllegalArgumentException(name + " must be 0..255, got " + value);
        }
    }
}
