package org.hermod.modem;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AT-command dialogue over one byte stream, whatever carries it (a serial port, a TCP socket to a Moxa
 * NPort, a pipe in a test). A reader thread feeds an {@link AtFramer}; commands are written and their answers
 * awaited by the caller, one at a time, each with a timeout. Unsolicited codes go to the listener on the
 * reader thread: it must only hand them on, never call back into the driver.
 *
 * <p>When the stream ends or a read fails, the driver is dead for good ({@link #alive()} false, waiting and
 * later calls fail with {@link LinkDownException}); the owner opens the link again and makes a new driver.
 */
public final class AtDriver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AtDriver.class);
    private static final byte CTRL_Z = 0x1A;
    private static final byte ESC = 0x1B;
    private static final Object PROMPT = new Object();
    private static final Object LINK_DOWN = new Object();

    /** The link ended (EOF, read or write error, closed). */
    public static final class LinkDownException extends IOException {
        public LinkDownException(String message) {
            super(message);
        }
    }

    /** No final result code (or no prompt) within the timeout: the modem may be hung. */
    public static final class TimeoutException extends IOException {
        public TimeoutException(String message) {
            super(message);
        }
    }

    /**
     * The PDU of an AT+CMGS was written, then no final result code came: the link dropped, or the send timeout
     * passed. The modem may have sent the SMS. {@link #reason()} is the link's failure.
     */
    public static final class UnansweredException extends IOException {
        private final IOException reason;

        public UnansweredException(IOException reason) {
            super("no answer after the PDU was written: " + reason.getMessage(), reason);
            this.reason = reason;
        }

        public IOException reason() {
            return reason;
        }
    }

    private final String name;
    private final InputStream in;
    private final OutputStream out;
    private final Consumer<Urc> urcs;
    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private final AtFramer framer;
    private final Thread reader;
    private volatile boolean alive = true;
    private volatile String downReason = "closed";

    public AtDriver(String name, InputStream in, OutputStream out, Consumer<Urc> urcs) {
        this.name = name;
        this.in = in;
        this.out = out;
        this.urcs = urcs;
        this.framer = new AtFramer(new AtFramer.Sink() {
            @Override
            public void prompt() {
                events.add(PROMPT);
            }

            @Override
            public void response(AtResponse response) {
                events.add(response);
            }

            @Override
            public void urc(Urc urc) {
                LOG.debug("{} URC {}{}", name, urc.line(), urc.pdu() == null ? "" : " + PDU");
                try {
                    AtDriver.this.urcs.accept(urc);
                } catch (RuntimeException e) {
                    LOG.error("{}: handling {} failed: {}", name, urc.line(), e.toString());
                }
            }
        });
        this.reader = new Thread(this::read, "modem-" + name + "-reader");
        reader.setDaemon(true);
        reader.start();
    }

    public boolean alive() {
        return alive;
    }

    /** Sends {@code command} (without CR) and waits for its final result code. */
    public AtResponse command(String command, Duration timeout) throws IOException {
        return command(command, timeout, false);
    }

    /** As {@link #command(String, Duration)}; a {@code secret} command (a PIN) is never logged. */
    public synchronized AtResponse command(String command, Duration timeout, boolean secret) throws IOException {
        String shown = secret ? command.replaceAll("=.*", "=***") : command;
        start(command, false, shown);
        AtResponse response = awaitResponse(shown, timeout);
        LOG.debug("{} <- {}", name, secret ? response.result() : response);
        return response;
    }

    /**
     * AT+CMGS in PDU mode (TS 27.005 3.5.1): writes {@code AT+CMGS=<tpduLength>}, waits for the {@code > }
     * prompt, writes the PDU and Ctrl-Z, and waits for {@code +CMGS: <mr>} and OK, or an error. Without a
     * prompt in time the command is cancelled with ESC and {@link TimeoutException} thrown: nothing was sent; a
     * link that drops before the prompt is {@link LinkDownException}, nothing sent either. Once the PDU is being
     * written, any failure is {@link UnansweredException}: the SMS may have left.
     */
    public synchronized AtResponse submit(int tpduLength, String pduHex, Duration promptTimeout, Duration timeout)
            throws IOException {
        String command = "AT+CMGS=" + tpduLength;
        start(command, true, command);
        Object first = await(promptTimeout);
        if (first instanceof AtResponse early) {
            return early; // +CMS ERROR before the prompt (no network, SIM busy)
        }
        if (first == null) {
            write(new byte[] {ESC});
            Object after = await(Duration.ofSeconds(2));
            framer.idle();
            throw new TimeoutException("no '> ' prompt within " + promptTimeout.toMillis() + " ms after " + command
                    + (after instanceof AtResponse r ? " (then " + r.result() + ")" : ""));
        }
        if (first == LINK_DOWN) {
            throw new LinkDownException(downReason);
        }
        synchronized (framer) {
            framer.payloadSent(pduHex);
        }
        byte[] pdu = pduHex.getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = new byte[pdu.length + 1];
        System.arraycopy(pdu, 0, bytes, 0, pdu.length);
        bytes[pdu.length] = CTRL_Z;
        AtResponse response;
        try {
            write(bytes);
            response = awaitResponse(command + " <PDU>", timeout);
        } catch (IOException e) {
            throw new UnansweredException(e);
        }
        LOG.debug("{} <- {}", name, response);
        return response;
    }

    private void start(String command, boolean prompt, String shown) throws IOException {
        if (!alive) {
            throw new LinkDownException(downReason);
        }
        events.removeIf(e -> e != LINK_DOWN); // a late answer to an abandoned command
        LOG.debug("{} -> {}", name, shown);
        synchronized (framer) {
            framer.commandSent(command, prompt);
        }
        write((command + "\r").getBytes(StandardCharsets.US_ASCII));
    }

    private AtResponse awaitResponse(String shown, Duration timeout) throws IOException {
        Object event = await(timeout);
        while (event == PROMPT) {
            event = await(timeout); // a stray '>' cannot end an answer
        }
        if (event instanceof AtResponse response) {
            return response;
        }
        synchronized (framer) {
            framer.idle();
        }
        if (event == LINK_DOWN) {
            throw new LinkDownException(downReason);
        }
        throw new TimeoutException("no answer to " + shown + " within " + timeout.toMillis() + " ms");
    }

    private Object await(Duration timeout) throws IOException {
        try {
            Object event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (event == LINK_DOWN) {
                events.add(LINK_DOWN); // stays down for every later wait
            }
            return event;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for " + name);
        }
    }

    private void write(byte[] bytes) throws IOException {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            down("write failed: " + e.getMessage());
            throw new LinkDownException(downReason);
        }
    }

    private void read() {
        byte[] buffer = new byte[1024];
        try {
            while (alive) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (InterruptedIOException e) {
                    continue; // a serial read timeout: nothing arrived
                }
                if (n < 0) {
                    down("the link was closed by the other end");
                    return;
                }
                synchronized (framer) {
                    framer.feed(buffer, 0, n);
                }
            }
        } catch (IOException | RuntimeException e) {
            down("read failed: " + e.getMessage());
        }
    }

    private void down(String reason) {
        if (alive) {
            downReason = reason;
            alive = false;
            LOG.info("Modem {}: link down: {}", name, reason);
        }
        events.add(LINK_DOWN);
    }

    /** Stops the reader; the caller closes the link (which ends a blocked read). */
    @Override
    public void close() {
        down("closed");
    }
}
