package org.hermod.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hermod.sms.Deliver;
import org.hermod.sms.Pdu;
import org.hermod.sms.SubmitPdu;

/**
 * A GSM modem in PDU mode, in plain Java, on any pair of streams (one end of a pty pair, a TCP connection).
 * Behaves like the real thing where Hermod can tell: echo on until ATE0, {@code \r\n} framing, a {@code > }
 * prompt without line end, {@code +CMGS: <mr>} with a counting message reference, a SIM storage read by AT+CMGR
 * and AT+CMGL=4, +CMTI for new SMS and +CDS status reports. It decodes every PDU sent, so tests assert on the
 * recipient and text, and it can misbehave on request: CMS errors, a slow prompt, unsolicited codes in the
 * middle of an answer, a link dropped mid-send, silence, and a line throttled to a baud rate.
 */
public final class ModemEmulator {

    /** One SMS-SUBMIT the modem accepted. */
    public record Sent(String pdu, String recipient, String text, Deliver.Alphabet alphabet, Deliver.Concat concat,
                       int mr, boolean statusReportRequested) {
    }

    private static final HexFormat HEX = HexFormat.of().withUpperCase();
    private static final Pattern CMGS = Pattern.compile("AT\\+CMGS=(\\d+)");
    private static final Pattern INDEX = Pattern.compile("AT\\+CMG[RD]=(\\d+)");

    public final List<Sent> sent = new CopyOnWriteArrayList<>();
    public final List<String> commands = new CopyOnWriteArrayList<>();
    public final ConcurrentLinkedDeque<Integer> cmsErrors = new ConcurrentLinkedDeque<>();
    public volatile long promptDelayMillis;
    public volatile String urcInNextAnswer;
    private final Map<String, String> urcBefore = new java.util.concurrent.ConcurrentHashMap<>();
    public volatile boolean autoStatusReport = true;
    public volatile int reportStatus = 0;
    public volatile boolean silent;
    /** The SIM's PIN; null: none asked. Like a real SIM it asks for its PUK after three wrong ones. */
    public volatile String pin;
    /** Every AT+CPIN=&lt;pin&gt; received. */
    public final AtomicInteger pinAttempts = new AtomicInteger();
    public volatile int creg = 1;
    public volatile int csq = 21;
    public final AtomicInteger bytesIn = new AtomicInteger();
    public final AtomicInteger bytesOut = new AtomicInteger();

    private final Map<Integer, String> sim = new TreeMap<>();
    private final Object writeLock = new Object();
    private final AtomicInteger pdusUntilDrop = new AtomicInteger(-1);
    private volatile PduFault pduFault = PduFault.SWALLOW_AND_DROP;
    private final AtomicInteger nextConcatRef = new AtomicInteger(100);
    private volatile int bytesPerSecond;
    private volatile OutputStream out;
    private volatile Closeable link;
    private boolean echo = true;
    private boolean pinEntered;
    private volatile int pinTriesLeft = 3;
    private int mr;
    private long nextWriteNanos;
    private long nextReadNanos;

    /** Throttles both directions to {@code bytesPerSecond} (11520 for 115200 baud 8N1); 0: no limit. */
    public ModemEmulator throttle(int bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
        return this;
    }

    /** What goes wrong with the PDU {@link #dropOnPdu} and friends name. */
    private enum PduFault { SWALLOW_AND_DROP, SEND_AND_DROP, SEND_AND_FALL_SILENT }

    /** The {@code n}th PDU from now (1 = the next) is swallowed and the link closed before any answer. */
    public void dropOnPdu(int n) {
        pduFault = PduFault.SWALLOW_AND_DROP;
        pdusUntilDrop.set(n);
    }

    /** The {@code n}th PDU from now is sent (it is in {@link #sent}), then the link closed before the answer. */
    public void sendThenDropOnPdu(int n) {
        pduFault = PduFault.SEND_AND_DROP;
        pdusUntilDrop.set(n);
    }

    /** The {@code n}th PDU from now is sent, then the modem answers nothing until {@link #silent} is cleared. */
    public void sendThenFallSilentOnPdu(int n) {
        pduFault = PduFault.SEND_AND_FALL_SILENT;
        pdusUntilDrop.set(n);
    }

    public boolean connected() {
        return out != null;
    }

    /** Three wrong PINs were entered: the SIM wants its PUK. */
    public boolean simLocked() {
        return pinTriesLeft <= 0;
    }

    /** Locks the SIM as three wrong PINs would. */
    public void lockSim() {
        pinTriesLeft = 0;
    }

    public synchronized int storedOnSim() {
        return sim.size();
    }

    /** Closes the current link, as a power cut or a pulled cable would. */
    public void drop() {
        Closeable l = link;
        out = null;
        if (l != null) {
            try {
                l.close();
            } catch (IOException ignored) {
                // gone anyway
            }
        }
    }

    /**
     * An SMS from {@code sender} arrives: stored on the SIM (one slot per part) and announced with +CMTI when a
     * link is up; lost announcements are what the sweep is for.
     */
    public List<Integer> deliver(String sender, String text) {
        return deliver(sender, text, true);
    }

    /** As {@link #deliver(String, String)}, optionally without the +CMTI (stored silently). */
    public List<Integer> deliver(String sender, String text, boolean announce) {
        List<SubmitPdu> parts = Pdu.submit(null, sender, text, 0, nextConcatRef.incrementAndGet() & 0xFF, false);
        List<Integer> slots = new ArrayList<>();
        for (SubmitPdu part : parts) {
            String pdu = asDeliver(part.hex(), OffsetDateTime.now(ZoneOffset.ofHours(1)).withNano(0));
            int slot;
            synchronized (this) {
                slot = sim.isEmpty() ? 0 : ((TreeMap<Integer, String>) sim).lastKey() + 1;
                sim.put(slot, pdu);
            }
            slots.add(slot);
            if (announce) {
                urc("+CMTI: \"SM\"," + slot);
            }
        }
        return slots;
    }

    /** Stores a raw PDU on the SIM without announcing it. */
    public synchronized int store(String pdu) {
        int slot = sim.isEmpty() ? 0 : ((TreeMap<Integer, String>) sim).lastKey() + 1;
        sim.put(slot, pdu);
        return slot;
    }

    /**
     * The next command starting with {@code commandPrefix} gets {@code urc} before its answer's first line (after the
     * echo), as modems interleave {@code +CSQ:} or {@code ^RSSI:} reports.
     */
    public void urcBeforeAnswerTo(String commandPrefix, String urc) {
        urcBefore.put(commandPrefix.toUpperCase(), urc);
    }

    /** Sends an unsolicited code now, if a link is up. */
    public void urc(String line) {
        write("\r\n" + line + "\r\n");
    }

    /** Serves one link until it ends; the modem's state (echo, SIM, references) survives into the next. */
    public void serve(InputStream input, OutputStream output, Closeable closer) {
        this.out = output;
        this.link = closer;
        InputStream in = new BufferedInputStream(input);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean pduMode = false;
        int expectedLength = 0;
        try {
            int b;
            while ((b = in.read()) >= 0) {
                bytesIn.incrementAndGet();
                pace(false, 1);
                if (silent) {
                    continue;
                }
                if (pduMode) {
                    if (b == 0x1A || b == 0x1B) {
                        pduMode = false;
                        String pdu = line.toString(StandardCharsets.US_ASCII).trim();
                        line.reset();
                        if (echo) {
                            write(pdu + (char) b);
                        }
                        if (b == 0x1B) {
                            answer("OK");
                        } else if (!submitted(pdu, expectedLength)) {
                            return;
                        }
                    } else {
                        line.write(b);
                    }
                    continue;
                }
                if (b == '\n') {
                    continue;
                }
                if (b != '\r') {
                    line.write(b);
                    continue;
                }
                String command = line.toString(StandardCharsets.US_ASCII).trim();
                line.reset();
                if (command.isEmpty()) {
                    continue;
                }
                commands.add(command.startsWith("AT+CPIN=") ? "AT+CPIN=***" : command);
                if (echo) {
                    write(command + "\r");
                }
                Matcher cmgs = CMGS.matcher(command);
                if (cmgs.matches()) {
                    expectedLength = Integer.parseInt(cmgs.group(1));
                    if (promptDelayMillis > 0) {
                        Thread.sleep(promptDelayMillis);
                    }
                    String urc = takeUrc();
                    write((urc == null ? "" : "\r\n" + urc + "\r\n") + "\r\n> ");
                    pduMode = true;
                } else {
                    command(command);
                }
            }
        } catch (IOException e) {
            // link gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            out = null;
        }
    }

    private void command(String c) {
        String upper = c.toUpperCase();
        urcBefore.keySet().stream().filter(upper::startsWith).findFirst().map(urcBefore::remove).ifPresent(this::urc);
        if (upper.equals("AT")) {
            answer("OK");
        } else if (upper.equals("ATE0")) {
            echo = false;
            answer("OK");
        } else if (upper.equals("ATE1")) {
            echo = true;
            answer("OK");
        } else if (upper.startsWith("AT+CMEE=") || upper.equals("AT+CMGF=0") || upper.startsWith("AT+CNMI=")) {
            answer("OK");
        } else if (upper.equals("AT+CPIN?")) {
            answer(pin == null || pinEntered ? "+CPIN: READY" : simLocked() ? "+CPIN: SIM PUK" : "+CPIN: SIM PIN", "OK");
        } else if (upper.startsWith("AT+CPIN=")) {
            pinAttempts.incrementAndGet();
            boolean right = !simLocked() && c.substring(8).replace("\"", "").equals(pin);
            pinEntered |= right;
            if (!right && !simLocked()) {
                pinTriesLeft--;
            }
            answer(right ? "OK" : "+CME ERROR: 16");
        } else if (upper.equals("AT+CREG?")) {
            answer("+CREG: 0," + creg, "OK");
        } else if (upper.equals("AT+CSQ")) {
            answer("+CSQ: " + csq + ",99", "OK");
        } else if (upper.startsWith("AT+CMGR=")) {
            String pdu = slot(c);
            answer(pdu == null ? new String[] {"+CMS ERROR: 321"}
                    : new String[] {"+CMGR: 0,," + tpduLength(pdu), pdu, "OK"});
        } else if (upper.startsWith("AT+CMGD=")) {
            Matcher m = INDEX.matcher(upper);
            synchronized (this) {
                if (m.matches()) {
                    sim.remove(Integer.parseInt(m.group(1)));
                }
            }
            answer("OK");
        } else if (upper.equals("AT+CMGL=4")) {
            List<String> lines = new ArrayList<>();
            synchronized (this) {
                sim.forEach((slot, pdu) -> {
                    lines.add("+CMGL: " + slot + ",0,," + tpduLength(pdu));
                    lines.add(pdu);
                });
            }
            lines.add("OK");
            answer(lines.toArray(String[]::new));
        } else if (upper.equals("AT+CFUN=1,1")) {
            answer("OK");
            echo = true;
            pinEntered = false;
        } else {
            answer("ERROR");
        }
    }

    private synchronized String slot(String command) {
        Matcher m = INDEX.matcher(command.toUpperCase());
        return m.matches() ? sim.get(Integer.parseInt(m.group(1))) : null;
    }

    /** Returns false when the link was dropped on this PDU. */
    private boolean submitted(String pdu, int expectedLength) {
        PduFault fault = null;
        if (pdusUntilDrop.get() > 0 && pdusUntilDrop.decrementAndGet() == 0) {
            pdusUntilDrop.set(-1);
            fault = pduFault;
        }
        if (fault == PduFault.SWALLOW_AND_DROP) {
            drop();
            return false;
        }
        byte[] octets;
        try {
            octets = HEX.parseHex(pdu);
        } catch (IllegalArgumentException e) {
            answer("+CMS ERROR: 304");
            return true;
        }
        if (octets.length - 1 - (octets[0] & 0xFF) != expectedLength) {
            answer("+CMS ERROR: 304");
            return true;
        }
        Integer error = cmsErrors.poll();
        if (error != null) {
            answer("+CMS ERROR: " + error);
            return true;
        }
        int reference;
        synchronized (this) {
            mr = (mr + 1) & 0xFF;
            reference = mr;
        }
        int first = octets[1 + (octets[0] & 0xFF)] & 0xFF;
        Deliver decoded = Pdu.parseDeliver(asDeliver(pdu, OffsetDateTime.now(ZoneOffset.UTC).withNano(0)));
        boolean report = (first & 0x20) != 0;
        sent.add(new Sent(pdu, decoded.originator(), decoded.text(), decoded.alphabet(), decoded.concat(), reference, report));
        if (fault == PduFault.SEND_AND_DROP) {
            drop();
            return false;
        }
        if (fault == PduFault.SEND_AND_FALL_SILENT) {
            silent = true;
            return true;
        }
        // decided before the answer: a test may turn reports off as soon as it has the answer
        boolean reportNow = report && autoStatusReport;
        answer("+CMGS: " + reference, "OK");
        if (reportNow) {
            String status = statusReport(pdu, reference, reportStatus);
            write("\r\n+CDS: " + tpduLength(status) + "\r\n" + status + "\r\n");
        }
        return true;
    }

    private void answer(String... lines) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            if (i == lines.length - 1) {
                String urc = takeUrc();
                if (urc != null) {
                    sb.append("\r\n").append(urc).append("\r\n");
                }
            }
            sb.append("\r\n").append(lines[i]).append("\r\n");
        }
        write(sb.toString());
    }

    private String takeUrc() {
        String urc = urcInNextAnswer;
        urcInNextAnswer = null;
        return urc;
    }

    private void write(String text) {
        OutputStream o = out;
        if (o == null) {
            return;
        }
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        synchronized (writeLock) {
            try {
                if (bytesPerSecond > 0) {
                    for (int i = 0; i < bytes.length; i += 64) {
                        int n = Math.min(64, bytes.length - i);
                        pace(true, n);
                        o.write(bytes, i, n);
                        o.flush();
                    }
                } else {
                    o.write(bytes);
                    o.flush();
                }
                bytesOut.addAndGet(bytes.length);
            } catch (IOException e) {
                out = null;
            }
        }
    }

    /** Sleeps so that the bytes so far in one direction do not exceed the line rate. */
    private void pace(boolean writing, int bytes) {
        int rate = bytesPerSecond;
        if (rate <= 0) {
            return;
        }
        long now = System.nanoTime();
        long next = Math.max(writing ? nextWriteNanos : nextReadNanos, now) + bytes * 1_000_000_000L / rate;
        if (writing) {
            nextWriteNanos = next;
        } else {
            nextReadNanos = next;
        }
        long wait = next - now - bytes * 1_000_000_000L / rate; // allow the current chunk, owe the rest
        if (wait > 1_000_000) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static int tpduLength(String pdu) {
        return pdu.length() / 2 - 1 - Integer.parseInt(pdu.substring(0, 2), 16);
    }

    /** An SMS-SUBMIT turned into the SMS-DELIVER the recipient would get, so the real parser can read it. */
    static String asDeliver(String submitHex, OffsetDateTime at) {
        byte[] pdu = HEX.parseHex(submitHex);
        int first = 1 + (pdu[0] & 0xFF);
        int address = first + 2;
        int addressLength = 2 + ((pdu[address] & 0xFF) + 1) / 2;
        int vpf = (pdu[first] >> 3) & 0x03;
        int userData = address + addressLength + 2 + (vpf == 0 ? 0 : vpf == 2 ? 1 : 7);
        ByteArrayOutputStream deliver = new ByteArrayOutputStream();
        deliver.write(0x00);
        deliver.write(pdu[first] & 0x40 | 0x04);
        deliver.write(pdu, address, addressLength + 2);
        deliver.writeBytes(timestamp(at));
        deliver.write(pdu, userData, pdu.length - userData);
        return HEX.formatHex(deliver.toByteArray());
    }

    /** The SMS-STATUS-REPORT (TS 23.040 9.2.2.3) for a submitted PDU. */
    static String statusReport(String submitHex, int reference, int status) {
        byte[] pdu = HEX.parseHex(submitHex);
        int first = 1 + (pdu[0] & 0xFF);
        int address = first + 2;
        int addressLength = 2 + ((pdu[address] & 0xFF) + 1) / 2;
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        report.write(0x00);
        report.write(0x06);
        report.write(reference);
        report.write(pdu, address, addressLength);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).withNano(0);
        report.writeBytes(timestamp(now));
        report.writeBytes(timestamp(now));
        report.write(status);
        return HEX.formatHex(report.toByteArray());
    }

    private static byte[] timestamp(OffsetDateTime t) {
        int[] fields = {t.getYear() % 100, t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond(),
                Math.abs(t.getOffset().getTotalSeconds() / 900)};
        byte[] out = new byte[7];
        for (int i = 0; i < 7; i++) {
            out[i] = (byte) ((fields[i] % 10) << 4 | fields[i] / 10);
        }
        if (t.getOffset().getTotalSeconds() < 0) {
            out[6] |= 0x08;
        }
        return out;
    }
}
