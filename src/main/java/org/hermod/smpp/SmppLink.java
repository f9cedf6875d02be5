package org.hermod.smpp;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.SessionState;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.Session;
import org.jsmpp.session.SessionStateListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bind to the SMSC and its life: connect and bind (transceiver or transmitter), enquire_link while idle
 * (jSMPP sends it every {@code enquire-link-interval}), and after a lost bind or a failed connect a reconnect
 * with exponential backoff ({@code reconnect-delay} doubling up to {@code reconnect-delay-max}). It knows nothing
 * about what is sent: {@link SmppChannel} takes the current session, {@link SmppReceiver} gets deliver_sm.
 */
final class SmppLink implements SessionStateListener {

    private static final Logger LOG = LoggerFactory.getLogger(SmppLink.class);

    private final SmppSettings settings;
    private final String label;
    private final MessageReceiverListener receiver;
    private final ScheduledExecutorService scheduler;
    private final AtomicBoolean reconnectScheduled = new AtomicBoolean();
    private volatile SMPPSession session;
    private volatile boolean stopped;
    private volatile Duration delay;

    SmppLink(SmppSettings settings, int index, MessageReceiverListener receiver, ScheduledExecutorService scheduler) {
        this.settings = settings;
        this.label = settings.name() + "#" + index;
        this.receiver = receiver;
        this.scheduler = scheduler;
        this.delay = settings.reconnectDelay();
    }

    void start() {
        reconnectScheduled.set(true);
        scheduler.execute(this::connect);
    }

    /** The bound session, or null while the link is down. */
    SMPPSession session() {
        SMPPSession s = session;
        return s != null && s.getSessionState().isBound() ? s : null;
    }

    String label() {
        return label;
    }

    private void connect() {
        reconnectScheduled.set(false);
        if (stopped) {
            return;
        }
        SMPPSession s = new SMPPSession();
        s.setTransactionTimer(settings.responseTimeout().toMillis());
        s.setEnquireLinkTimer((int) settings.enquireLinkInterval().toMillis());
        // deliver_sm wait here for a receiver thread; one that finds the queue full is answered ESME_RTHROTTLED by
        // jSMPP, which the SMSC delivers again later (jSMPP's defaults, 3 threads and 100, refused thousands of a
        // broadcast's receipts)
        s.setPduProcessorDegree(settings.receiveThreads());
        s.setQueueCapacity(settings.receiveQueue());
        if (settings.transceiver()) {
            s.setMessageReceiverListener(receiver);
        }
        try {
            s.connectAndBind(settings.host(), settings.port(), new BindParameter(
                    settings.transceiver() ? BindType.BIND_TRX : BindType.BIND_TX, settings.systemId(),
                    settings.password(), settings.systemType(), TypeOfNumber.valueOf((byte) settings.sourceTon()),
                    NumberingPlanIndicator.valueOf((byte) settings.sourceNpi()), null),
                    settings.responseTimeout().toMillis());
        } catch (IOException | RuntimeException e) {
            s.close();
            LOG.warn("SMPP {}: bind to {}:{} failed ({}); retrying in {}", label, settings.host(), settings.port(),
                    e.getMessage(), delay);
            scheduleReconnect();
            return;
        }
        s.addSessionStateListener(this);
        session = s;
        delay = settings.reconnectDelay();
        LOG.info("SMPP {}: bound {} to {}:{} as {}", label, s.getSessionState(), settings.host(), settings.port(),
                settings.systemId());
        if (!s.getSessionState().isBound()) {
            lost(s);
        }
    }

    @Override
    public void onStateChange(SessionState newState, SessionState oldState, Session source) {
        if (!newState.isBound() && source == session) {
            lost((SMPPSession) source);
        }
    }

    private void lost(SMPPSession s) {
        if (session == s) {
            session = null;
        }
        s.close();
        if (!stopped) {
            LOG.warn("SMPP {}: bind lost; reconnecting in {}", label, delay);
            scheduleReconnect();
        }
    }

    private void scheduleReconnect() {
        if (stopped || !reconnectScheduled.compareAndSet(false, true)) {
            return;
        }
        Duration wait = delay;
        Duration doubled = delay.multipliedBy(2);
        delay = doubled.compareTo(settings.reconnectDelayMax()) > 0 ? settings.reconnectDelayMax() : doubled;
        scheduler.schedule(this::connect, wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop() {
        stopped = true;
        SMPPSession s = session;
        session = null;
        if (s != null) {
            s.unbindAndClose();
        }
    }
}
