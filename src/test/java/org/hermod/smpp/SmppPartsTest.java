package org.hermod.smpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hermod.outbox.DeliveryReports;
import org.hermod.sms.Gsm7;
import org.hermod.sms.SmsText;
import org.junit.jupiter.api.Test;

/** submit_sm bodies and receipt texts, byte by byte, without Camel or a network. */
class SmppPartsTest {

    @Test
    void shortGsmTextIsOnePartOfUnpackedSeptets() {
        List<SmppParts.Part> parts = SmppParts.of(SmsText.of("Hej {Ida} €5"), 7);
        assertThat(parts).hasSize(1);
        assertThat(parts.get(0).esmClass()).isEqualTo((byte) 0);
        assertThat(parts.get(0).dataCoding()).isEqualTo((byte) 0);
        assertThat(parts.get(0).shortMessage()).containsExactly(
                0x48, 0x65, 0x6A, 0x20, 0x1B, 0x28, 0x49, 0x64, 0x61, 0x1B, 0x29, 0x20, 0x1B, 0x65, 0x35);
    }

    @Test
    void longGsmTextIsConcatenatedWithUdhAndTheSameReference() {
        String text = "a".repeat(152) + "€" + "b".repeat(40); // the escape pair must not be split at 153
        List<SmppParts.Part> parts = SmppParts.of(SmsText.of(text), 0x1A5);
        assertThat(parts).hasSize(2);
        for (int i = 0; i < 2; i++) {
            byte[] m = parts.get(i).shortMessage();
            assertThat(parts.get(i).esmClass()).isEqualTo((byte) 0x40);
            assertThat(parts.get(i).dataCoding()).isEqualTo((byte) 0);
            assertThat(new byte[] {m[0], m[1], m[2], m[3], m[4], m[5]})
                    .containsExactly(0x05, 0x00, 0x03, 0xA5, 0x02, i + 1);
        }
        assertThat(parts.get(0).shortMessage()).hasSize(6 + 152);
        assertThat(parts.get(1).shortMessage()).hasSize(6 + 2 + 40);
        assertThat(parts.get(1).shortMessage()[6]).isEqualTo((byte) Gsm7.ESCAPE);
        assertThat(SmppParts.decode((byte) 0x40, (byte) 0, parts.get(0).shortMessage())
                + SmppParts.decode((byte) 0x40, (byte) 0, parts.get(1).shortMessage())).isEqualTo(text);
    }

    @Test
    void ucs2TextIsUtf16WithDataCoding8And67CharsPerPart() {
        String text = "Zażółć gęślą jaźń ".repeat(6); // 108 chars
        List<SmppParts.Part> parts = SmppParts.of(SmsText.of(text), 3);
        assertThat(parts).hasSize(2);
        assertThat(parts).allSatisfy(p -> assertThat(p.dataCoding()).isEqualTo((byte) 8));
        assertThat(parts.get(0).shortMessage()).hasSize(6 + 67 * 2);
        assertThat(parts.get(1).shortMessage()).hasSize(6 + (108 - 67) * 2);
        byte[] first = parts.get(0).shortMessage();
        assertThat(new String(first, 6, first.length - 6, StandardCharsets.UTF_16BE)).isEqualTo(text.substring(0, 67));
        assertThat(new byte[] {first[3], first[4], first[5]}).containsExactly(3, 2, 1);
    }

    @Test
    void shortUcs2TextHasNoHeader() {
        List<SmppParts.Part> parts = SmppParts.of(SmsText.of("Привет"), 0);
        assertThat(parts).hasSize(1);
        assertThat(parts.get(0).esmClass()).isEqualTo((byte) 0);
        assertThat(parts.get(0).shortMessage()).isEqualTo("Привет".getBytes(StandardCharsets.UTF_16BE));
    }

    @Test
    void receiptsAreParsedAndMapped() {
        SmppReceipt ok = SmppReceipt.parse("id:1234 sub:001 dlvrd:001 submit date:2401011200 done date:2401011201 "
                + "stat:DELIVRD err:000 text:Hej").orElseThrow();
        assertThat(ok.id()).isEqualTo("1234");
        assertThat(ok.isFinal()).isTrue();
        assertThat(ok.report()).isEqualTo(DeliveryReports.Report.delivered());
        SmppReceipt bad = SmppReceipt.parse("id:77 sub:001 dlvrd:000 submit date:2401011200 done date:2401011201 "
                + "stat:UNDELIV err:034 text:").orElseThrow();
        assertThat(bad.report()).isEqualTo(DeliveryReports.Report.failed("SMSC receipt stat:UNDELIV err:034"));
        assertThat(SmppReceipt.parse("id:9 stat:ENROUTE").orElseThrow().isFinal()).isFalse();
        assertThat(SmppReceipt.parse("hello")).isEmpty();
    }

    @Test
    void commandStatusesAreClassified() {
        assertThat(SmppStatus.throttled(0x58)).isTrue();
        assertThat(SmppStatus.throttled(0x14)).isTrue();
        assertThat(SmppStatus.transientError(0x0B)).isFalse();
        assertThat(SmppStatus.describe(0x0B)).isEqualTo("ESME_RINVDSTADR (0x0B)");
    }
}
