package org.hermod.sis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ContactChecksTest {

    @Test
    void phoneNumbersAsWrittenInSchoolsPass() {
        assertThat(ContactChecks.phoneProblem("+45 20 11 22 01")).isEmpty();
        assertThat(ContactChecks.phoneProblem("+49 (0)171 2345004")).isEmpty();
        assertThat(ContactChecks.phoneProblem("0171/234-5003")).isEmpty();
        assertThat(ContactChecks.phoneProblem("20112204")).isEmpty();
    }

    @Test
    void garbageInPhoneNumbersIsNamed() {
        assertThat(ContactChecks.phoneProblem("ring til mor")).contains("letters in phone number 'ring til mor'");
        assertThat(ContactChecks.phoneProblem("20;11")).contains("unexpected character ';' in phone number '20;11'");
        assertThat(ContactChecks.phoneProblem("+-")).contains("too few digits in phone number '+-'");
    }

    @Test
    void emailNeedsOneAtAndADomainWithADot() {
        assertThat(ContactChecks.emailProblem("søren.ærøbo@elev.sbfri.dk")).isEmpty();
        assertThat(ContactChecks.emailProblem("x@")).contains("not an e-mail address 'x@'");
        assertThat(ContactChecks.emailProblem("a@b")).contains("not an e-mail address 'a@b'");
        assertThat(ContactChecks.emailProblem("a b@c.dk")).contains("not an e-mail address 'a b@c.dk'");
    }
}
