package org.hermod.modem;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Cuts the byte stream from a modem into what the AT dialogue needs (3GPP TS 27.007 / 27.005, V.250): the
 * answer to the command in flight, ended by its final result code; the {@code > } prompt of AT+CMGS, which has
 * no line end; and unsolicited result codes, which may arrive at any time, also between the lines of an
 * answer, and are handed to {@link Sink#urc} instead of being glued onto the answer.
 *
 * <p>Pure and single-threaded: no I/O, no clock. The {@link AtDriver} feeds it the bytes it reads and tells it
 * which command it wrote, so echo (before ATE0) is dropped and a {@code +CREG:} line is the answer to
 * {@code AT+CREG?} but unsolicited at any other time.
 */
public final class AtFramer {

    /** Receives what the framer recognises; called on the thread that calls {@link #feed}. */
    public interface Sink {
        void prompt();

        void response(AtResponse response);

        void urc(Urc urc);
    }

    /** Codes that end an answer (V.250 5.7.1, TS 27.007 9.2, TS 27.005 3.2.5). */
    private static final Set<String> FINAL = Set.of("OK", "ERROR", "NO CARRIER", "BUSY", "NO ANSWER", "NO DIALTONE");

    /** Unsolicited codes; a {@code +XXX:} one is unsolicited unless the command in flight is {@code AT+XXX...}. */
    private static final Set<String> UNSOLICITED_PLUS = Set.of("+CMTI", "+CMT", "+CDS", "+CDSI", "+CBM", "+CBMI",
            "+CREG", "+CGREG", "+CEREG", "+CRING", "+CLIP", "+CUSD", "+CPIN", "+CMGSI", "+CIEV", "+QIND", "+CTZV");
    private static final Set<String> UNSOLICITED_WORDS = Set.of("RING", "RDY", "Call Ready", "SMS Ready",
            "NORMAL POWER DOWN", "^BOOT", "^RSSI", "^MODE", "^SRVST", "^SIMST");
    /** Unsolicited codes followed by a second line, the PDU (TS 27.005 3.4.1, PDU mode). */
    private static final Set<String> TWO_LINE = Set.of("+CMT", "+CDS", "+CBM");

    private final Sink sink;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final List<String> answer = new ArrayList<>();
    private String command;
    private String commandCode;
    private String payload;
    private boolean awaitingPrompt;
    private String pendingTwoLine;

    public AtFramer(Sink sink) {
        this.sink = sink;
    }

    /**
     * A command line was written (without its CR). {@code expectsPrompt}: AT+CMGS, whose {@code > } ends the
     * first half of the exchange.
     */
    public void commandSent(String commandLine, boolean expectsPrompt) {
        command = commandLine;
        commandCode = code(commandLine);
        awaitingPrompt = expectsPrompt;
        payload = null;
        answer.clear();
    }

    /** The PDU was written after the prompt; with echo still on, its echo is dropped like the command's. */
    public void payloadSent(String pdu) {
        payload = pdu;
        awaitingPrompt = false;
    }

    /** No command is in flight any more (answered, timed out or abandoned): later lines are unsolicited. */
    public void idle() {
        command = null;
        commandCode = null;
        awaitingPrompt = false;
        payload = null;
        answer.clear();
    }

    public boolean busy() {
        return command != null;
    }

    public void feed(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            feed(bytes[i]);
        }
    }

    private void feed(byte b) {
        if (b == '\n' || b == '\r') {
            if (line.size() > 0) {
                String text = line.toString(StandardCharsets.ISO_8859_1).strip();
                line.reset();
                if (!text.isEmpty()) {
                    line(text);
                }
            }
            return;
        }
        line.write(b);
        if (awaitingPrompt && line.size() == 2 && line.toString(StandardCharsets.ISO_8859_1).equals("> ")) {
            line.reset();
            awaitingPrompt = false;
            sink.prompt();
        }
    }

    private void line(String text) {
        if (pendingTwoLine != null) {
            String first = pendingTwoLine;
            pendingTwoLine = null;
            sink.urc(new Urc(first, text));
            return;
        }
        if (command != null && (text.equals(command) || text.equals(payload) || text.equals(payload + "\u001A"))) {
            return; // echo (ATE1)
        }
        if (text.startsWith(">") && awaitingPrompt) {
            awaitingPrompt = false;
            sink.prompt();
            return;
        }
        if (isUnsolicited(text)) {
            if (TWO_LINE.contains(code(text))) {
                pendingTwoLine = text;
            } else {
                sink.urc(new Urc(text, null));
            }
            return;
        }
        if (command == null) {
            // an answer nobody waits for (a late reply after a timeout) or an unknown unsolicited code
            sink.urc(new Urc(text, null));
            return;
        }
        if (isFinal(text)) {
            AtResponse response = new AtResponse(answer, text);
            idle();
            sink.response(response);
        } else {
            answer.add(text);
        }
    }

    private boolean isUnsolicited(String text) {
        String code = code(text);
        if (code.startsWith("+")) {
            return UNSOLICITED_PLUS.contains(code) && !code.equals(commandCode);
        }
        return UNSOLICITED_WORDS.stream().anyMatch(text::startsWith);
    }

    static boolean isFinal(String text) {
        return FINAL.contains(text) || text.startsWith("+CME ERROR:") || text.startsWith("+CMS ERROR:");
    }

    /** {@code +CMTI} of {@code +CMTI: "SM",3}; {@code +CREG} of {@code AT+CREG?}; the text itself otherwise. */
    static String code(String text) {
        String t = text.toUpperCase(Locale.ROOT);
        if (t.startsWith("AT")) {
            t = t.substring(2);
        }
        int end = 0;
        while (end < t.length() && (Character.isLetterOrDigit(t.charAt(end)) || (end == 0 && "+^&".indexOf(t.charAt(0)) >= 0))) {
            end++;
        }
        return end == 0 ? t : t.substring(0, end);
    }
}
