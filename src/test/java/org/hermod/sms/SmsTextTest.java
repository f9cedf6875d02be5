package org.hermod.sms;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hermod.sms.SmsText.Encoding;
import org.junit.jupiter.api.Test;

class SmsTextTest {

    private static final String SMILE = "\uD83D\uDE00";

    @Test
    void emptyTextHasNoSegments() {
        SmsText sms = SmsText.of("");
        assertThat(sms.segments()).isZero();
        assertThat(sms.split()).isEmpty();
        assertThat(sms.encoding()).isEqualTo(Encoding.GSM7);
    }

    @Test
    void asciiFitsOneSegmentUpTo160() {
        assertThat(SmsText.of("a".repeat(160))).isEqualTo(new SmsText("a".repeat(160), Encoding.GSM7, 160, 1));
        assertThat(SmsText.of("a".repeat(161)).segments()).isEqualTo(2);
    }

    @Test
    void concatenatedAsciiHolds153PerSegment() {
        assertThat(SmsText.of("a".repeat(306)).segments()).isEqualTo(2);
        assertThat(SmsText.of("a".repeat(307)).segments()).isEqualTo(3);
        assertThat(SmsText.of("a".repeat(307)).split()).extracting(String::length).containsExactly(153, 153, 1);
    }

    @Test
    void euroSignCountsTwoSeptets() {
        SmsText sms = SmsText.of("Price: 5€");
        assertThat(sms.encoding()).isEqualTo(Encoding.GSM7);
        assertThat(sms.units()).isEqualTo(10);
        assertThat(SmsText.of("€".repeat(80)).segments()).isEqualTo(1);
        assertThat(SmsText.of("a".repeat(159) + "€").segments()).isEqualTo(2);
    }

    @Test
    void escapeSequenceIsNeverSplit() {
        String text = "a".repeat(152) + "€" + "b".repeat(10);
        List<String> parts = SmsText.of(text).split();
        assertThat(parts).containsExactly("a".repeat(152), "€" + "b".repeat(10));
        assertThat(parts).allSatisfy(p -> assertThat(Gsm7.septetCount(p)).isLessThanOrEqualTo(153));
    }

    @Test
    void escapeSplitCanAddASegmentThatDivisionWouldMiss() {
        String text = "a".repeat(152) + "€" + "a".repeat(152);
        SmsText sms = SmsText.of(text);
        assertThat(sms.units()).isEqualTo(306);
        assertThat(sms.segments()).isEqualTo(3);
        assertThat(sms.split()).extracting(Gsm7::septetCount).containsExactly(152, 153, 1);
        assertThat(String.join("", sms.split())).isEqualTo(text);
    }

    @Test
    void danishAndGermanStayGsm() {
        assertThat(SmsText.of("Blåbærgrød, Straße, Übung").encoding()).isEqualTo(Encoding.GSM7);
    }

    @Test
    void polishForcesUcs2With70And67Limits() {
        String base = "Zażółć gęślą jaźń";
        assertThat(SmsText.of(base).encoding()).isEqualTo(Encoding.UCS2);
        String seventy = base + "x".repeat(70 - base.length());
        assertThat(SmsText.of(seventy)).isEqualTo(new SmsText(seventy, Encoding.UCS2, 70, 1));
        assertThat(SmsText.of(seventy + "x").segments()).isEqualTo(2);
        assertThat(SmsText.of(base + "x".repeat(134 - base.length())).segments()).isEqualTo(2);
        assertThat(SmsText.of(base + "x".repeat(135 - base.length())).segments()).isEqualTo(3);
    }

    @Test
    void surrogatePairIsNeverSplit() {
        String text = "a".repeat(66) + SMILE + "b".repeat(10);
        SmsText sms = SmsText.of(text);
        assertThat(sms.encoding()).isEqualTo(Encoding.UCS2);
        assertThat(sms.units()).isEqualTo(78);
        assertThat(sms.split()).containsExactly("a".repeat(66), SMILE + "b".repeat(10));
    }

    @Test
    void emojiOnlyTextsSplitOnPairs() {
        assertThat(SmsText.of(SMILE.repeat(35)).segments()).isEqualTo(1);
        SmsText sms = SmsText.of(SMILE.repeat(36));
        assertThat(sms.split()).extracting(String::length).containsExactly(66, 6);
        assertThat(sms.split())
                .allSatisfy(p -> assertThat(Character.isHighSurrogate(p.charAt(p.length() - 1))).isFalse());
    }
}
