package org.hermod.modem;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The framing state machine, byte by byte, without I/O. */
class AtFramerTest {

    private final List<String> events = new ArrayList<>();
    private final AtFramer framer = new AtFramer(new AtFramer.Sink() {
        @Override
        public void prompt() {
            events.add("PROMPT");
        }

        @Override
        public void response(AtResponse response) {
            events.add("RESPONSE " + response);
        }

        @Override
        public void urc(Urc urc) {
            events.add("URC " + urc.line() + (urc.pdu() == null ? "" : " / " + urc.pdu()));
        }
    });

    private void feed(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        framer.feed(b, 0, b.length);
    }

    @Test
    void echoBeforeAte0IsDropped() {
        framer.commandSent("AT", false);
        feed("AT\r\r\nOK\r\n");
        assertThat(events).containsExactly("RESPONSE OK");
    }

    @Test
    void informationLinesAndFinalCode() {
        framer.commandSent("AT+CSQ", false);
        feed("\r\n+CSQ: 21,99\r\n\r\nOK\r\n");
        assertThat(events).containsExactly("RESPONSE +CSQ: 21,99 | OK");
    }

    @Test
    void answersArriveInAnyChunks() {
        framer.commandSent("AT+CSQ", false);
        for (char c : "\r\n+CSQ: 21,99\r\n\r\nOK\r\n".toCharArray()) {
            feed(String.valueOf(c));
        }
        assertThat(events).containsExactly("RESPONSE +CSQ: 21,99 | OK");
    }

    @Test
    void unsolicitedCodesInTheMiddleOfAnAnswerAreTakenOut() {
        framer.commandSent("AT+CSQ", false);
        feed("\r\n+CSQ: 21,99\r\n\r\n+CMTI: \"SM\",3\r\n\r\nRING\r\n\r\n+CREG: 5\r\n\r\nOK\r\n");
        assertThat(events).containsExactly("URC +CMTI: \"SM\",3", "URC RING", "URC +CREG: 5", "RESPONSE +CSQ: 21,99 | OK");
    }

    @Test
    void cregIsTheAnswerToCregButUnsolicitedOtherwise() {
        framer.commandSent("AT+CREG?", false);
        feed("\r\n+CREG: 0,1\r\n\r\nOK\r\n");
        framer.commandSent("AT", false);
        feed("\r\n+CREG: 2\r\n\r\nOK\r\n");
        assertThat(events).containsExactly("RESPONSE +CREG: 0,1 | OK", "URC +CREG: 2", "RESPONSE OK");
    }

    @Test
    void statusReportIsTwoLinesAndMayFollowTheCmgsAnswer() {
        framer.commandSent("AT+CMGS=23", true);
        feed("\r\n> ");
        framer.payloadSent("0011");
        feed("\r\n+CMGS: 7\r\n\r\nOK\r\n\r\n+CDS: 25\r\n0006070B911346610089F6\r\n");
        assertThat(events).containsExactly("PROMPT", "RESPONSE +CMGS: 7 | OK", "URC +CDS: 25 / 0006070B911346610089F6");
    }

    @Test
    void promptWithoutLineEndAndUrcJustBeforeIt() {
        framer.commandSent("AT+CMGS=23", true);
        feed("\r\n+CMTI: \"SM\",1\r\n\r\n> ");
        assertThat(events).containsExactly("URC +CMTI: \"SM\",1", "PROMPT");
    }

    @Test
    void promptIsOnlyAPromptWhenOneIsAwaited() {
        framer.commandSent("AT+CMGL=4", false);
        feed("\r\n> text\r\n\r\nOK\r\n");
        assertThat(events).containsExactly("RESPONSE > text | OK");
    }

    @Test
    void errorCodesEndTheAnswer() {
        framer.commandSent("AT+CMGS=23", true);
        feed("\r\n+CMS ERROR: 331\r\n");
        framer.commandSent("AT+CPIN=\"0000\"", false);
        feed("\r\n+CME ERROR: 16\r\n");
        framer.commandSent("AT+FOO", false);
        feed("\r\nERROR\r\n");
        assertThat(events).containsExactly("RESPONSE +CMS ERROR: 331", "RESPONSE +CME ERROR: 16", "RESPONSE ERROR");
    }

    @Test
    void linesWithNoCommandInFlightAreUnsolicited() {
        feed("\r\nOK\r\n\r\n+CMTI: \"ME\",12\r\n");
        assertThat(events).containsExactly("URC OK", "URC +CMTI: \"ME\",12");
    }

    @Test
    void responseValuesAndErrorCodes() {
        AtResponse r = new AtResponse(List.of("+CMGS: 42"), "OK");
        assertThat(r.ok()).isTrue();
        assertThat(r.value("+CMGS:")).contains("42");
        assertThat(new AtResponse(List.of(), "+CMS ERROR: 21").cmsError()).contains(21);
        assertThat(new AtResponse(List.of(), "+CME ERROR: 10").cmeError()).contains(10);
    }

    @Test
    void cmsErrorsAreClassified() {
        assertThat(CmsError.of(21).kind()).isEqualTo(CmsError.Kind.PERMANENT);
        assertThat(CmsError.of(1).kind()).isEqualTo(CmsError.Kind.PERMANENT);
        assertThat(CmsError.of(304).kind()).isEqualTo(CmsError.Kind.PERMANENT);
        assertThat(List.of(38, 41, 42, 47, 332)).allMatch(c -> CmsError.of(c).kind() == CmsError.Kind.TRANSIENT);
        assertThat(List.of(28, 310, 311, 331)).allMatch(c -> CmsError.of(c).kind() == CmsError.Kind.MODEM);
        assertThat(CmsError.of(999).kind()).isEqualTo(CmsError.Kind.TRANSIENT);
        assertThat(CmsError.of(42).toString()).isEqualTo("+CMS ERROR: 42 (congestion)");
    }
}
