package org.hermod.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PhoneNumbersTest {

    private final PhoneNumbers numbers = new PhoneNumbers("45", List.of(
            new PhoneNumbers.Prefix("DK", "45", "+452", 10, 10),
            new PhoneNumbers.Prefix("DE", "49", "+4917", 12, 13),
            new PhoneNumbers.Prefix("DE", "49", "+49176", 13, 13)));

    @Test
    void normalisesNationalInternationalAndGroupedNumbers() throws Exception {
        assertThat(numbers.normalise("20 11 22 33")).isEqualTo("+4520112233");
        assertThat(numbers.normalise("+45 20-11-22-33")).isEqualTo("+4520112233");
        assertThat(numbers.normalise("0045 (20) 112233")).isEqualTo("+4520112233");
        assertThat(numbers.normalise("+49 171 1234567")).isEqualTo("+491711234567");
        assertThat(numbers.normalise("020112233")).isEqualTo("+4520112233"); // trunk 0 dropped
    }

    @Test
    void rejectsWithAReason() {
        assertThatThrownBy(() -> numbers.normalise("+45 33 12 34 56")).hasMessageContaining("not a mobile number in DK");
        assertThatThrownBy(() -> numbers.normalise("2011223")).hasMessageContaining("mobile numbers +452… in DK have 10 digits");
        assertThatThrownBy(() -> numbers.normalise("+33 6 12 34 56 78")).hasMessageContaining("no mobile prefixes configured");
        assertThatThrownBy(() -> numbers.normalise("call me")).hasMessageContaining("not a phone number");
        assertThatThrownBy(() -> numbers.normalise("")).hasMessage("no number");
        // a reason never carries the number it was given: it goes into mails, the error log and API answers
        assertThatThrownBy(() -> numbers.normalise("2011 2233 4455 6677 88")).hasMessageContaining("has 20 digits")
                .hasMessageNotContaining("2233 4455").hasMessageNotContaining("22334455");
        assertThatThrownBy(() -> numbers.normalise("20 11 22 33 x")).hasMessageContaining("not a phone number")
                .hasMessageNotContaining("11 22");
        assertThatThrownBy(() -> numbers.normalise("+49176123456789")).hasMessageContaining("have 13 digits");
    }

    @Test
    void theLongestPrefixDecidesTheLength() throws Exception {
        assertThat(numbers.normalise("+4917612345678")).isEqualTo("+4917612345678");
        assertThatThrownBy(() -> numbers.normalise("+491761234567")).hasMessageContaining("have 13 digits");
        assertThat(numbers.normalise("+491711234567")).isEqualTo("+491711234567");
    }

    @Test
    void masksAllButCountryCodeAndLastThreeDigits() {
        assertThat(PhoneNumbers.mask("+4520112233")).isEqualTo("+45*****233");
        assertThat(PhoneNumbers.mask("12")).isEqualTo("***");
    }
}
