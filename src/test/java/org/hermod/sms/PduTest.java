package org.hermod.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.hermod.sms.Deliver.Alphabet;
import org.hermod.sms.Deliver.Concat;
import org.junit.jupiter.api.Test;

class PduTest {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    /** 1999-03-29 15:16:59 +02:00, the time stamp of the classic example below. */
    private static final String SCTS = "99309251619580";

    /** The SMS-DELIVER example of dreamfabric.com and developershome.com. */
    @Test
    void parsesTheClassicHelloHelloDeliver() {
        Deliver sms = Pdu.parseDeliver("07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37");
        assertThat(sms.smsc()).isEqualTo("+27381000015");
        assertThat(sms.originator()).isEqualTo("27838890001");
        assertThat(sms.serviceCentreTime())
                .isEqualTo(OffsetDateTime.of(1999, 3, 29, 15, 16, 59, 0, ZoneOffset.ofHours(2)));
        assertThat(sms.alphabet()).isEqualTo(Alphabet.GSM7);
        assertThat(sms.text()).isEqualTo("hellohello");
        assertThat(sms.concat()).isNull();
    }

    /** A second example (SMSC +31624000000); its zone octet 0x08 is minus zero quarters. */
    @Test
    void parsesInternationalOriginator() {
        Deliver sms = Pdu.parseDeliver("07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD07");
        assertThat(sms.smsc()).isEqualTo("+31624000000");
        assertThat(sms.originator()).isEqualTo("+31641600986");
        assertThat(sms.serviceCentreTime()).isEqualTo(OffsetDateTime.of(2002, 8, 26, 19, 37, 41, 0, ZoneOffset.UTC));
        assertThat(sms.text()).isEqualTo("How are you?");
    }

    @Test
    void readsNegativeTimeZone() {
        Deliver sms = Pdu.parseDeliver("0000" + "0B916407281553F8" + "0000" + "99211332959518" + "00");
        assertThat(sms.serviceCentreTime())
                .isEqualTo(OffsetDateTime.of(1999, 12, 31, 23, 59, 59, 0, ZoneOffset.ofHoursMinutes(0, -15)));
        assertThat(sms.text()).isEmpty();
    }

    /** The SMS-SUBMIT example of dreamfabric.com: "hellohello" to +46708251358, TP-VP 0xAA. */
    @Test
    void encodesTheClassicHelloHelloSubmit() {
        List<SubmitPdu> pdus = Pdu.submit(null, "+46708251358", "hellohello", 0, 0, false);
        assertThat(pdus).containsExactly(new SubmitPdu("0011000B916407281553F80000AA0AE8329BFD4697D9EC37", 23));
    }

    @Test
    void smscPrecedesTheTpduAndIsNotCounted() {
        SubmitPdu pdu = Pdu.submit("+27381000015", "+46708251358", "hellohello", 0, 0, false).get(0);
        assertThat(pdu.hex()).isEqualTo("07917283010010F5" + "11000B916407281553F80000AA0AE8329BFD4697D9EC37");
        assertThat(pdu.tpduLength()).isEqualTo(23);
    }

    @Test
    void statusReportRequestAndNationalNumber() {
        SubmitPdu pdu = Pdu.submit(null, "0701234567", "hi", 0x2A, 0, true).get(0);
        assertThat(pdu.hex()).startsWith("00" + "31" + "2A" + "0A81" + "7010325476");
    }

    @Test
    void encodesPolishAsUcs2() {
        SubmitPdu pdu = Pdu.submit(null, "+48601234567", "Zażółć", 0, 0, false).get(0);
        assertThat(pdu.hex()).endsWith("0008AA" + "0C" + "005A0061017C00F301420107");
        Deliver back = Pdu.parseDeliver(asDeliver(pdu));
        assertThat(back.alphabet()).isEqualTo(Alphabet.UCS2);
        assertThat(back.originator()).isEqualTo("+48601234567");
        assertThat(back.text()).isEqualTo("Zażółć");
    }

    @Test
    void threePartGsmMessageCarriesHeaderAndFillBit() {
        String text = "a".repeat(153) + "b".repeat(153) + "Tail {€}";
        List<SubmitPdu> pdus = Pdu.submit(null, "+46708251358", text, 7, 0x42, false);
        assertThat(pdus).hasSize(3);
        List<String> segments = SmsText.of(text).split();
        for (int i = 0; i < 3; i++) {
            byte[] tpdu = HEX.parseHex(pdus.get(i).hex().substring(2));
            assertThat(pdus.get(i).tpduLength()).isEqualTo(tpdu.length);
            assertThat(tpdu[0]).as("UDHI, VPF relative, SMS-SUBMIT").isEqualTo((byte) 0x51);
            assertThat(tpdu[1]).as("message reference").isEqualTo((byte) (7 + i));
            int udl = tpdu[13] & 0xFF;
            byte[] ud = Arrays.copyOfRange(tpdu, 14, tpdu.length);
            assertThat(HEX.formatHex(ud, 0, 6)).isEqualTo("05000342030" + (i + 1));
            assertThat(ud[6] & 0x01).as("fill bit").isZero();
            byte[] septets = Gsm7.unpack(Arrays.copyOfRange(ud, 6, ud.length), udl - 7, 1);
            assertThat(Gsm7.fromSeptets(septets)).isEqualTo(segments.get(i));
            assertThat(udl).isLessThanOrEqualTo(160);
        }
        int lastUdl = HEX.parseHex(pdus.get(2).hex().substring(2))[13] & 0xFF;
        assertThat(lastUdl).as("7 header septets, 11 for \"Tail {€}\"").isEqualTo(18);
        for (int i = 0; i < 3; i++) {
            Deliver part = Pdu.parseDeliver(asDeliver(pdus.get(i)));
            assertThat(part.concat()).isEqualTo(new Concat(0x42, 3, i + 1));
            assertThat(part.text()).isEqualTo(segments.get(i));
        }
    }

    @Test
    void messageReferenceWrapsAcrossParts() {
        List<SubmitPdu> pdus = Pdu.submit(null, "+46708251358", "x".repeat(200), 255, 1, false);
        assertThat(pdus).extracting(p -> p.hex().substring(4, 6)).containsExactly("FF", "00");
    }

    @Test
    void ucs2PartsKeepEmojiWhole() {
        String text = "ż".repeat(66) + "\uD83D\uDE00" + "ł".repeat(70);
        List<SubmitPdu> pdus = Pdu.submit(null, "+48601234567", text, 0, 9, false);
        StringBuilder joined = new StringBuilder();
        for (SubmitPdu pdu : pdus) {
            int udl = HEX.parseHex(pdu.hex().substring(2))[13] & 0xFF;
            assertThat(udl).isLessThanOrEqualTo(140);
            assertThat(pdu.tpduLength()).isEqualTo(14 + udl);
            joined.append(Pdu.parseDeliver(asDeliver(pdu)).text());
        }
        assertThat(pdus).hasSize(3);
        assertThat(joined.toString()).isEqualTo(text);
    }

    @Test
    void readsSixteenBitConcatenation() {
        String header = "060804ABCD0201";
        String text = HEX.formatHex(Gsm7.pack(Gsm7.toSeptets("hi"), 0));
        Deliver sms = Pdu.parseDeliver("00" + "44" + "0B916407281553F8" + "0000" + SCTS + "0A" + header + text);
        assertThat(sms.concat()).isEqualTo(new Concat(0xABCD, 2, 1));
        assertThat(sms.text()).isEqualTo("hi");
    }

    @Test
    void skipsUnknownHeaderElements() {
        String header = "0A" + "0A03000102" + "00031F0201";
        String ucs2 = "00680069";
        Deliver sms = Pdu.parseDeliver("00" + "40" + "0B916407281553F8" + "0008" + SCTS + "0F" + header + ucs2);
        assertThat(sms.concat()).isEqualTo(new Concat(0x1F, 2, 1));
        assertThat(sms.text()).isEqualTo("hi");
    }

    /** The packed value of "messages" as in warthog618/sms, with the spec's semi-octet length 14. */
    @Test
    void decodesAlphanumericOriginator() {
        Deliver sms = Pdu.parseDeliver("00" + "04" + "0ED0EDF27C1E3E97E7" + "0000" + SCTS + "00");
        assertThat(sms.originator()).isEqualTo("messages");
    }

    @Test
    void decodesEightBitData() {
        Deliver sms = Pdu.parseDeliver("00" + "04" + "0B916407281553F8" + "00F4" + SCTS + "03" + "41FF42");
        assertThat(sms.alphabet()).isEqualTo(Alphabet.EIGHT_BIT);
        assertThat(sms.text()).isEqualTo("A\u00FFB");
    }

    @Test
    void readsAlphabetFromDataCodingScheme() {
        assertThat(UserData.alphabet(0x00)).isEqualTo(Alphabet.GSM7);
        assertThat(UserData.alphabet(0x04)).isEqualTo(Alphabet.EIGHT_BIT);
        assertThat(UserData.alphabet(0x08)).isEqualTo(Alphabet.UCS2);
        assertThat(UserData.alphabet(0x18)).isEqualTo(Alphabet.UCS2);
        assertThat(UserData.alphabet(0x0C)).as("reserved alphabet").isEqualTo(Alphabet.GSM7);
        assertThat(UserData.alphabet(0xC8)).isEqualTo(Alphabet.GSM7);
        assertThat(UserData.alphabet(0xE0)).isEqualTo(Alphabet.UCS2);
        assertThat(UserData.alphabet(0xF0)).isEqualTo(Alphabet.GSM7);
        assertThat(UserData.alphabet(0xF5)).isEqualTo(Alphabet.EIGHT_BIT);
        assertThat(UserData.alphabet(0x90)).as("reserved group").isEqualTo(Alphabet.GSM7);
        assertThatThrownBy(() -> UserData.alphabet(0x20)).hasMessageContaining("compressed");
    }

    /** Field values as in warthog618/sms's status report test, with TP-MTI 0x02. */
    @Test
    void parsesStatusReport() {
        StatusReport report = Pdu.parseStatusReport(statusReport(0x00));
        assertThat(report.smsc()).isNull();
        assertThat(report.messageReference()).isEqualTo(0x42);
        assertThat(report.recipient()).isEqualTo("+6391");
        assertThat(report.serviceCentreTime())
                .isEqualTo(OffsetDateTime.of(2015, 5, 17, 23, 2, 50, 0, ZoneOffset.ofHours(8)));
        assertThat(report.dischargeTime())
                .isEqualTo(OffsetDateTime.of(2015, 4, 18, 23, 2, 50, 0, ZoneOffset.ofHours(6)));
        assertThat(report.status()).isZero();
    }

    @Test
    void classifiesStatus() {
        for (int status : new int[] {0x00, 0x01, 0x02, 0x1F}) {
            assertThat(classify(status)).as("0x%02X", status).isEqualTo("delivered");
        }
        for (int status : new int[] {0x20, 0x25, 0x3F}) {
            assertThat(classify(status)).as("0x%02X", status).isEqualTo("pending");
        }
        for (int status : new int[] {0x40, 0x41, 0x5F, 0x60, 0x62, 0x7F, 0x80, 0xFF}) {
            assertThat(classify(status)).as("0x%02X", status).isEqualTo("failed");
        }
    }

    @Test
    void rejectsTheWrongKindOfPdu() {
        assertThatThrownBy(() -> Pdu.parseDeliver(statusReport(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SMS-DELIVER");
        assertThatThrownBy(() -> Pdu.parseStatusReport("0004" + "0B916407281553F8" + "0000" + SCTS + "00"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SMS-STATUS-REPORT");
    }

    @Test
    void rejectsMalformedPdus() {
        assertThatThrownBy(() -> Pdu.parseDeliver("0004" + "0B916407281553F8" + "0000" + "9930"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PDU ends");
        assertThatThrownBy(() -> Pdu.parseDeliver("0004" + "0B916407281553F8" + "0000" + SCTS + "0AE832"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Pdu.parseDeliver("0004" + "0B916407281553F8" + "0000" + "99139251619580" + "00"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("time stamp");
        assertThatThrownBy(() -> Pdu.parseDeliver("zz")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsBadSubmitArguments() {
        assertThatThrownBy(() -> Pdu.submit(null, "+46708251358", "", 0, 0, false)).hasMessage("text is empty");
        assertThatThrownBy(() -> Pdu.submit(null, "+4670-825", "hi", 0, 0, false)).hasMessageContaining("phone number");
        assertThatThrownBy(() -> Pdu.submit(null, null, "hi", 0, 0, false)).hasMessageContaining("phone number");
        assertThatThrownBy(() -> Pdu.submit("smsc", "+46708251358", "hi", 0, 0, false))
                .hasMessageContaining("phone number");
        assertThatThrownBy(() -> Pdu.submit(null, "+46708251358", "hi", 256, 0, false)).hasMessageContaining("0..255");
        assertThatThrownBy(() -> Pdu.submit(null, "+46708251358", "hi", 0, -1, false)).hasMessageContaining("0..255");
        assertThatThrownBy(() -> Pdu.submit(null, "+46708251358", "x".repeat(153 * 255 + 1), 0, 0, false))
                .hasMessageContaining("at most 255");
    }

    private static String classify(int status) {
        StatusReport report = Pdu.parseStatusReport(statusReport(status));
        assertThat(List.of(report.delivered(), report.pending(), report.permanentFailure()))
                .as("exactly one of delivered, pending, failed").containsOnlyOnce(true);
        return report.delivered() ? "delivered" : report.pending() ? "pending" : "failed";
    }

    private static String statusReport(int status) {
        return "00" + "02" + "42" + "04913619" + "51507132200523" + "51408132200542" + String.format("%02X", status);
    }

    /**
     * Rewrites our SMS-SUBMIT as the SMS-DELIVER its recipient would get, so that the decoder can
     * read our user data back: TP-DA becomes TP-OA, TP-MR and TP-VP go, a time stamp comes in.
     */
    private static String asDeliver(SubmitPdu submit) {
        byte[] pdu = HEX.parseHex(submit.hex());
        int first = 1 + (pdu[0] & 0xFF);
        assertThat(pdu[first] & 0x18).as("relative validity period").isEqualTo(0x10);
        int address = first + 2;
        int addressLength = 2 + ((pdu[address] & 0xFF) + 1) / 2;
        int validity = address + addressLength + 2;
        ByteArrayOutputStream deliver = new ByteArrayOutputStream();
        deliver.write(0x00);
        deliver.write(pdu[first] & 0x40);
        deliver.write(pdu, address, addressLength + 2);
        deliver.writeBytes(HEX.parseHex(SCTS));
        deliver.write(pdu, validity + 1, pdu.length - validity - 1);
        return HEX.formatHex(deliver.toByteArray());
    }
}
