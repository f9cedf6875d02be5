package org.hermod.modem;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of one modem's link: opens it, runs the start-up dialogue, reconnects with backoff, resets a
 * modem that stopped answering, and runs every piece of work that talks to the modem on its own single thread
 * ("modem-&lt;name&gt;"), one after the other: sends, reads of received SMS, sweeps, signal checks. Nothing else
 * touches the {@link AtDriver}, so the AT state machine never sees two commands at once, and a slow or dead
 * modem holds up only the callers of its own connection.
 *
 * <p>It knows nothing of what messages mean: {@link ModemChannel} maps outgoing SMS, {@link ModemInbox} received
 * ones.
 */
public final class ModemConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModemConnection.class);
    private static final Pattern CSQ = Pattern.compile("(\\d+)\\s*,\\s*(\\d+)");

    /**
     * Where the connection stands. SIM_BLOCKED: the SIM refused the configured PIN, or asks for its PUK; Hermod
     * leaves the modem alone until it is restarted (with the right PIN, or after the SIM was unlocked).
     */
    public enum State { DISCONNECTED, CONNECTING, NO_NETWORK, READY, SIM_BLOCKED, STOPPED }

    /**
     * PINs a SIM refused, remembered across restarts ({@link ModemStore}): a SIM locks after three wrong PINs, so
     * a refused PIN is never sent again, whatever the number of reconnects and restarts.
     */
    public interface RefusedPins {
        boolean refused(String modem, String pin);

        void refuse(String modem, String pin, String answer);
    }

    /** The SIM cannot be used without someone's help: no point in reconnecting. */
    private static final class SimBlockedException extends IOException {
        SimBlockedException(String message) {
            super(message);
        }
    }

    /** Work on the modem, run on the owner thread with the live driver. */
    @FunctionalInterface
    public interface Work<T> {
        T run(AtDriver at) throws IOException;
    }

    /** The modem cannot take work now (link down, waiting to reconnect, no network). */
    public static final class UnavailableException extends IOException {
        public UnavailableException(String message) {
            super(message);
        }
    }

    /** A snapshot for health checks and metrics. */
    public record Status(String name, State state, String link, int rssi, int registration, String lastError,
                         Instant connectedSince, Instant nextAttempt, int failures, long connects) {
        /** Signal in dBm from AT+CSQ's rssi (TS 27.007 8.5), or null when unknown (99). */
        public Integer dbm() {
            return rssi >= 0 && rssi <= 31 ? -113 + 2 * rssi : null;
        }

        /** AT+CREG stat 1 (home) or 5 (roaming). */
        public boolean registered() {
            return registration == 1 || registration == 5;
        }
    }

    private final ModemSettings settings;
    private final Clock clock;
    private final RefusedPins refusedPins;
    private final ExecutorService owner;
    private final List<Consumer<AtDriver>> connectedHandlers = new ArrayList<>();
    private final List<BiConsumer<AtDriver, Urc>> urcHandlers = new ArrayList<>();
    private final AtomicLong connects = new AtomicLong();
    private volatile Thread ownerThread;
    private volatile AtDriver driver;
    private volatile State state = State.DISCONNECTED;
    private volatile int rssi = 99;
    private volatile int registration = -1;
    private volatile String lastError;
    private volatile Instant connectedSince;
    private volatile Instant nextAttempt = Instant.EPOCH;
    private volatile int failures;
    private int timeoutsInARow;

    public ModemConnection(ModemSettings settings, Clock clock, RefusedPins refusedPins) {
        this.settings = settings;
        this.clock = clock;
        this.refusedPins = refusedPins;
        this.owner = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "modem-" + settings.name());
            t.setDaemon(true);
            ownerThread = t;
            return t;
        });
    }

    public String name() {
        return settings.name();
    }

    /** Called on the owner thread after every successful (re)connect: the SIM sweep goes here. */
    public void onConnected(Consumer<AtDriver> handler) {
        connectedHandlers.add(handler);
    }

    /** Called on the owner thread for each unsolicited code (never on the reader thread). */
    public void onUrc(BiConsumer<AtDriver, Urc> handler) {
        urcHandlers.add(handler);
    }

    public Status status() {
        return new Status(settings.name(), state, settings.link().describe(), rssi, registration, lastError,
                connectedSince, state == State.DISCONNECTED || state == State.CONNECTING || state == State.NO_NETWORK
                        ? nextAttempt : null, failures, connects.get());
    }

    /**
     * Runs {@code work} on the owner thread with a ready modem, connecting first if needed. A link that drops
     * or a modem that stops answering during the work is closed, to be reopened by the next call or tick.
     */
    public <T> T call(Work<T> work) throws IOException {
        return onOwner(() -> {
            AtDriver at = ready();
            try {
                return work.run(at);
            } catch (AtDriver.LinkDownException | AtDriver.TimeoutException e) {
                broken(e);
                throw e;
            } catch (AtDriver.UnansweredException e) {
                broken(e.reason());
                throw e;
            }
        });
    }

    /** Keeps the link up and the signal fresh: reconnects when due, then reads AT+CSQ and AT+CREG. */
    public void tick() throws IOException {
        onOwner(() -> {
            if (connect()) {
                try {
                    refreshNetwork(driver);
                } catch (AtDriver.LinkDownException | AtDriver.TimeoutException e) {
                    broken(e);
                }
            }
            return null;
        });
    }

    /**
     * Closes the link after a drop or a timeout (owner thread only). After timeouts in a row the modem is sent
     * the reset command first (AT+CFUN=1,1 restarts most modems).
     */
    public void broken(IOException cause) {
        lastError = cause.getMessage();
        AtDriver at = driver;
        if (cause instanceof AtDriver.TimeoutException && ++timeoutsInARow >= 2 && !settings.resetCommand().isBlank()
                && at != null && at.alive()) {
            LOG.warn("Modem {} stopped answering; sending {}", settings.name(), settings.resetCommand());
            try {
                at.command(settings.resetCommand(), Duration.ofSeconds(2));
            } catch (IOException ignored) {
                // it is being reset or is gone; the link is reopened either way
            }
            timeoutsInARow = 0;
        }
        LOG.warn("Modem {} ({}): {}; reconnecting", settings.name(), settings.link().describe(), cause.getMessage());
        disconnect();
        nextAttempt = clock.instant();
        state = State.DISCONNECTED;
    }

    private AtDriver ready() throws IOException {
        if (!connect()) {
            throw new UnavailableException("modem " + settings.name() + " is not connected"
                    + (lastError == null ? "" : ": " + lastError));
        }
        if (state == State.NO_NETWORK) {
            refreshNetwork(driver);
            if (state == State.NO_NETWORK) {
                throw new UnavailableException("modem " + settings.name() + " is not registered on the network (+CREG stat "
                        + registration + ")");
            }
        }
        return driver;
    }

    /** Owner thread: true when a live driver is there, after connecting if due. */
    private boolean connect() {
        if (state == State.STOPPED || state == State.SIM_BLOCKED) {
            return false;
        }
        AtDriver at = driver;
        if (at != null && at.alive()) {
            return true;
        }
        if (at != null) {
            lastError = "link lost";
            disconnect();
        }
        if (clock.instant().isBefore(nextAttempt)) {
            return false;
        }
        state = State.CONNECTING;
        try {
            ModemLink.Streams streams = settings.link().open();
            driver = new AtDriver(settings.name(), streams.in(), streams.out(), this::urc);
            initialise(driver);
            failures = 0;
            timeoutsInARow = 0;
            lastError = null;
            connectedSince = clock.instant();
            connects.incrementAndGet();
            LOG.info("Modem {} connected over {} (signal {}, registration {})", settings.name(),
                    settings.link().describe(), rssi, registration);
            for (Consumer<AtDriver> handler : connectedHandlers) {
                handler.accept(driver);
            }
            return driver != null && driver.alive();
        } catch (SimBlockedException e) {
            disconnect();
            state = State.SIM_BLOCKED;
            lastError = e.getMessage();
            LOG.error("Modem {} ({}): {}", settings.name(), settings.link().describe(), e.getMessage());
            return false;
        } catch (IOException | RuntimeException e) {
            failures++;
            lastError = e.getMessage();
            Duration wait = settings.backoff(failures);
            nextAttempt = clock.instant().plus(wait);
            if (e instanceof AtDriver.TimeoutException && ++timeoutsInARow >= 2 && !settings.resetCommand().isBlank()
                    && driver != null && driver.alive()) {
                try {
                    driver.command(settings.resetCommand(), Duration.ofSeconds(2));
                } catch (IOException ignored) {
                    // best effort
                }
                timeoutsInARow = 0;
            }
            disconnect();
            state = State.DISCONNECTED;
            (failures == 1 ? LOG.atWarn() : LOG.atInfo()).log("Modem {} ({}) not connected (attempt {}): {}; next try in {}s",
                    settings.name(), settings.link().describe(), failures, e.getMessage(), wait.toSeconds());
            return false;
        }
    }

    /**
     * The start-up dialogue: echo off, numeric errors, PIN, PDU mode, new-message and status-report
     * indications, then network registration and signal.
     */
    private void initialise(AtDriver at) throws IOException {
        Duration t = settings.commandTimeout();
        AtResponse hello = null;
        for (int i = 0; i < 3 && (hello == null || !hello.ok()); i++) {
            try {
                hello = at.command("AT", i == 0 ? t : Duration.ofSeconds(2));
            } catch (AtDriver.TimeoutException e) {
                if (i == 2) {
                    throw e;
                }
            }
        }
        expectOk(at, "ATE0", t);
        expectOk(at, "AT+CMEE=1", t);
        AtResponse pin = at.command("AT+CPIN?", t);
        String sim = pin.value("+CPIN:").orElse(pin.result());
        if (sim.equals("SIM PIN")) {
            enterPin(at, t);
        } else if (sim.contains("PUK")) {
            throw new SimBlockedException("the SIM asks for its PUK (" + sim + "): it is locked after wrong PINs. "
                    + "Unlock it with the PUK from the operator (in a phone), then restart Hermod");
        } else if (!sim.equals("READY")) {
            throw new IOException("SIM not ready: " + sim);
        }
        expectOk(at, "AT+CMGF=0", t);
        expectOk(at, "AT+CNMI=" + settings.cnmi(), t);
        refreshNetwork(at);
    }

    /** Sends the configured PIN, once: not if the SIM refused it before, and never again once it refuses it. */
    private void enterPin(AtDriver at, Duration timeout) throws IOException {
        String key = "hermod.modem.devices[..].pin of modem " + settings.name();
        if (settings.pin().isEmpty()) {
            throw new IOException("the SIM needs a PIN: set " + key);
        }
        if (refusedPins.refused(settings.name(), settings.pin().get())) {
            throw new SimBlockedException("the SIM refused the configured PIN before; it is not sent again (a SIM "
                    + "locks after 3 wrong PINs). Set the right " + key + " and restart Hermod");
        }
        AtResponse entered = at.command("AT+CPIN=\"" + settings.pin().get() + "\"", timeout, true);
        if (!entered.ok()) {
            String answer = entered.result() + (entered.cmeError().orElse(0) == 16 ? " (incorrect password)" : "");
            try {
                refusedPins.refuse(settings.name(), settings.pin().get(), answer);
            } catch (RuntimeException e) {
                LOG.error("Modem {}: the refused PIN could not be remembered ({}); this process will not send it "
                        + "again, but a restart with the same PIN would", settings.name(), e.toString());
            }
            throw new SimBlockedException("the SIM refused the configured PIN (" + answer + "); it is not "
                    + "sent again (a SIM locks after 3 wrong PINs). Set the right " + key + " and restart Hermod");
        }
    }

    private static void expectOk(AtDriver at, String command, Duration timeout) throws IOException {
        AtResponse r = at.command(command, timeout);
        if (!r.ok()) {
            throw new IOException(command + " answered " + r.result());
        }
    }

    private void refreshNetwork(AtDriver at) throws IOException {
        AtResponse creg = at.command("AT+CREG?", settings.commandTimeout());
        creg.value("+CREG:").ifPresent(v -> {
            String[] f = v.split(",");
            registration = parse(f.length > 1 ? f[1] : f[0]);
        });
        AtResponse csq = at.command("AT+CSQ", settings.commandTimeout());
        csq.value("+CSQ:").map(CSQ::matcher).filter(Matcher::find).ifPresent(m -> rssi = Integer.parseInt(m.group(1)));
        state = status().registered() ? State.READY : State.NO_NETWORK;
    }

    private static int parse(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Reader thread: hand the code to the owner thread. */
    private void urc(Urc urc) {
        if (urc.is("+CREG:")) {
            registration = parse(urc.value().split(",")[0]);
            state = state == State.READY && !status().registered() ? State.NO_NETWORK : state;
            return;
        }
        try {
            owner.execute(() -> {
                AtDriver at = driver;
                for (BiConsumer<AtDriver, Urc> handler : urcHandlers) {
                    try {
                        handler.accept(at, urc);
                    } catch (RuntimeException e) {
                        LOG.error("Modem {}: handling {} failed: {}", settings.name(), urc.line(), e.toString());
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("Modem {} stopped; {} dropped (swept from the SIM at the next start)", settings.name(), urc.line());
        }
    }

    private void disconnect() {
        AtDriver at = driver;
        driver = null;
        connectedSince = null;
        if (at != null) {
            at.close();
        }
        settings.link().close();
    }

    private <T> T onOwner(java.util.concurrent.Callable<T> task) throws IOException {
        if (Thread.currentThread() == ownerThread) {
            try {
                return task.call();
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        Future<T> future;
        try {
            future = owner.submit(task);
        } catch (RejectedExecutionException e) {
            throw new UnavailableException("modem " + settings.name() + " is stopped");
        }
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("interrupted waiting for modem " + settings.name());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        try {
            onOwner(() -> {
                state = State.STOPPED;
                disconnect();
                return null;
            });
        } catch (IOException e) {
            LOG.debug("Modem {} close: {}", settings.name(), e.toString());
        }
        owner.shutdownNow();
    }
}
