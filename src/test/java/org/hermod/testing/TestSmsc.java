package org.hermod.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jsmpp.bean.BroadcastSm;
import org.jsmpp.bean.CancelBroadcastSm;
import org.jsmpp.bean.CancelSm;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliveryReceipt;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.EnquireLink;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.QueryBroadcastSm;
import org.jsmpp.bean.QuerySm;
import org.jsmpp.bean.RawDataCoding;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.ReplaceSm;
import org.jsmpp.bean.SubmitMulti;
import org.jsmpp.bean.SubmitSm;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.BindRequest;
import org.jsmpp.session.BroadcastSmResult;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.QueryBroadcastSmResult;
import org.jsmpp.session.QuerySmResult;
import org.jsmpp.session.SMPPServerSession;
import org.jsmpp.session.SMPPServerSessionListener;
import org.jsmpp.session.ServerMessageReceiverListener;
import org.jsmpp.session.Session;
import org.jsmpp.session.SubmitMultiResult;
import org.jsmpp.session.SubmitSmResult;
import org.jsmpp.util.DeliveryReceiptState;
import org.jsmpp.util.MessageId;

/**
 * A real SMSC in the test JVM (jSMPP's server side) on a free port: accepts binds with one system id and
 * password, answers submit_sm with increasing message ids (or what {@link #respond} says), records every
 * accepted submit_sm, and can send receipts and inbound SMS, or drop every connection.
 */
public final class TestSmsc implements ServerMessageReceiverListener, AutoCloseable {

    /** One accepted submit_sm. */
    public record Submitted(String messageId, String source, String destination, byte esmClass, byte dataCoding,
                            byte registeredDelivery, byte[] shortMessage) {
    }

    /** Decides the answer to a submit_sm: return normally to accept, throw to answer with an error status. */
    public interface Responder {
        void check(SubmitSm submit, int n) throws ProcessRequestException;
    }

    public final String systemId;
    public final String password;
    private final SMPPServerSessionListener listener;
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final List<SMPPServerSession> sessions = new CopyOnWriteArrayList<>();
    private final List<Submitted> submitted = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong(1000);
    private final AtomicInteger submits = new AtomicInteger();
    private final AtomicInteger rejected = new AtomicInteger();
    private final AtomicInteger enquireLinks = new AtomicInteger();
    private final AtomicInteger binds = new AtomicInteger();
    private volatile Responder responder = (s, n) -> { };
    private volatile boolean receiptBeforeResponse;
    private volatile boolean autoReceipts;
    private final java.util.concurrent.ScheduledExecutorService receiptSender = Executors.newScheduledThreadPool(16);
    private final AtomicInteger receiptsAcked = new AtomicInteger();
    private final AtomicInteger receiptsRefused = new AtomicInteger();
    private volatile int dropAt = -1;
    private volatile boolean closed;

    public TestSmsc(String systemId, String password) throws IOException {
        this(systemId, password, 3);
    }

    public TestSmsc(String systemId, String password, int processors) throws IOException {
        this.systemId = systemId;
        this.password = password;
        this.listener = new SMPPServerSessionListener(HermodApp.freePort());
        listener.setMessageReceiverListener(this);
        listener.setPduProcessorDegree(processors);
        listener.setQueueCapacity(10_000);
        pool.execute(this::acceptLoop);
    }

    public int port() {
        return listener.getPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SMPPServerSession session = listener.accept();
                pool.execute(() -> bind(session));
            } catch (IOException e) {
                if (!closed) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private void bind(SMPPServerSession session) {
        try {
            session.setEnquireLinkTimer(60_000);
            BindRequest request = session.waitForBind(5000);
            if (request.getSystemId().equals(systemId) && request.getPassword().equals(password)) {
                request.accept("testsmsc");
                sessions.add(session);
                binds.incrementAndGet();
            } else {
                request.reject(0x0E);
            }
        } catch (Exception e) {
            session.close();
        }
    }

    public void respond(Responder responder) {
        this.responder = responder;
    }

    /** Send a DELIVRD receipt from inside submit_sm processing, before the submit_sm_resp leaves. */
    public void receiptBeforeResponse(boolean on) {
        this.receiptBeforeResponse = on;
    }

    /**
     * After each accepted submit_sm that asks for a receipt, send a DELIVRD receipt on its session from another thread,
     * as a real SMSC does. A receipt the ESME answers with an error (jSMPP's ESME_RTHROTTLED when its receiving queue
     * is full) or not answered in time is delivered again 100 ms later, as SMSCs retry deliver_sm.
     */
    public void autoReceipts(boolean on) {
        this.autoReceipts = on;
    }

    public int receiptsAcked() {
        return receiptsAcked.get();
    }

    /** Receipts the ESME refused or did not answer, each delivered again. */
    public int receiptsRefused() {
        return receiptsRefused.get();
    }

    private void sendReceipt(SMPPServerSession session, String id, String destination) {
        receiptSender.execute(() -> {
            Date now = new Date();
            byte[] text = new DeliveryReceipt(id, 1, 1, now, now, DeliveryReceiptState.DELIVRD, "000", "").toString()
                    .getBytes(StandardCharsets.ISO_8859_1);
            try {
                session.deliverShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, destination,
                        TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, "Skolen", new ESMClass((byte) 0x04),
                        (byte) 0, (byte) 0, new RegisteredDelivery(0), new RawDataCoding((byte) 0), text);
                receiptsAcked.incrementAndGet();
            } catch (org.jsmpp.extra.NegativeResponseException refused) {
                receiptsRefused.incrementAndGet();
                if (!closed) {
                    receiptSender.schedule(() -> sendReceipt(session, id, destination), 100,
                            java.util.concurrent.TimeUnit.MILLISECONDS);
                }
            } catch (Exception e) {
                // jSMPP 3.0.1's server cannot decode a deliver_sm_resp without a body (a negative answer such as
                // ESME_RTHROTTLED may have none, SMPP 3.4 4.6.2), so such an answer ends here as a response timeout
                receiptsRefused.incrementAndGet();
                if (!closed) {
                    receiptSender.schedule(() -> sendReceipt(session, id, destination), 100,
                            java.util.concurrent.TimeUnit.MILLISECONDS);
                }
            }
        });
    }

    /** Starts message ids from the beginning again, as an SMSC does after a restart. */
    public void restartIds() {
        ids.set(1000);
    }

    /** How many submit_sm were accepted so far (cheaper than {@link #submitted()} for polling). */
    public int submittedCount() {
        return submitted.size();
    }

    /** On the n-th submit_sm from now, close every connection instead of answering. */
    public void dropAt(int n) {
        this.dropAt = submits.get() + n;
    }

    public void reset() {
        responder = (s, n) -> { };
        receiptBeforeResponse = false;
        dropAt = -1;
    }

    public List<Submitted> submitted() {
        return new ArrayList<>(submitted);
    }

    public List<Submitted> to(String destination) {
        return submitted.stream().filter(s -> s.destination().equals(destination)).toList();
    }

    public int rejected() {
        return rejected.get();
    }

    public int binds() {
        return binds.get();
    }

    public int enquireLinks() {
        return enquireLinks.get();
    }

    public long bound() {
        return sessions.stream().filter(s -> s.getSessionState().isBound()).count();
    }

    @Override
    public SubmitSmResult onAcceptSubmitSm(SubmitSm submit, SMPPServerSession session) throws ProcessRequestException {
        int n = submits.incrementAndGet();
        if (n == dropAt) {
            sessions.forEach(SMPPServerSession::close);
            sessions.clear();
            throw new ProcessRequestException("dropping", 0x08);
        }
        try {
            responder.check(submit, n);
        } catch (ProcessRequestException e) {
            rejected.incrementAndGet();
            throw e;
        }
        String id = Long.toString(ids.incrementAndGet());
        submitted.add(new Submitted(id, submit.getSourceAddr(), submit.getDestAddress(), submit.getEsmClass(),
                submit.getDataCoding(), submit.getRegisteredDelivery(), submit.getShortMessage()));
        if (receiptBeforeResponse) {
            receipt(session, id, submit.getDestAddress(), DeliveryReceiptState.DELIVRD);
        } else if (autoReceipts && (submit.getRegisteredDelivery() & 0x03) != 0) {
            sendReceipt(session, id, submit.getDestAddress());
        }
        try {
            return new SubmitSmResult(new MessageId(id), new OptionalParameter[0]);
        } catch (org.jsmpp.PDUStringException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends a delivery receipt for {@code messageId} on a bound session; returns its text. */
    public String receipt(String messageId, String destination, DeliveryReceiptState state) {
        return receipt(anySession(), messageId, destination, state);
    }

    private static String receipt(SMPPServerSession session, String messageId, String destination,
                                DeliveryReceiptState state) {
        Date now = new Date();
        String text = new DeliveryReceipt(messageId, 1, state == DeliveryReceiptState.DELIVRD ? 1 : 0, now, now, state,
                state == DeliveryReceiptState.DELIVRD ? "000" : "034", "").toString();
        deliver(session, destination, "Skolen", (byte) 0x04, (byte) 0, text.getBytes(StandardCharsets.ISO_8859_1));
        return text;
    }

    /** Sends an inbound SMS (deliver_sm, not a receipt) from {@code sender}, international number without '+'. */
    public void inbound(String sender, String recipient, byte dataCoding, byte[] message) {
        deliver(anySession(), sender, recipient, (byte) 0, dataCoding, message);
    }

    /** Sends one part of a concatenated inbound SMS: {@code message} starts with its user data header. */
    public void inboundPart(String sender, String recipient, byte dataCoding, byte[] message) {
        deliver(anySession(), sender, recipient, (byte) 0x40, dataCoding, message);
    }

    private static void deliver(SMPPServerSession session, String source, String destination, byte esmClass,
                                byte dataCoding, byte[] message) {
        try {
            session.deliverShortMessage("", TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, source,
                    TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, destination, new ESMClass(esmClass),
                    (byte) 0, (byte) 0, new RegisteredDelivery(0), new RawDataCoding(dataCoding), message);
        } catch (Exception e) {
            throw new IllegalStateException("deliver_sm failed: " + e, e);
        }
    }

    private SMPPServerSession anySession() {
        return sessions.stream().filter(s -> s.getSessionState().isBound()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no bound session"));
    }

    @Override
    public void onAcceptEnquireLink(EnquireLink enquireLink, Session source) {
        enquireLinks.incrementAndGet();
    }

    @Override
    public SubmitMultiResult onAcceptSubmitMulti(SubmitMulti submitMulti, SMPPServerSession source)
            throws ProcessRequestException {
        throw new ProcessRequestException("not supported", 0x03);
    }

    @Override
    public QuerySmResult onAcceptQuerySm(QuerySm querySm, SMPPServerSession source) throws ProcessRequestException {
        throw new ProcessRequestException("not supported", 0x03);
    }

    @Override
    public void onAcceptReplaceSm(ReplaceSm replaceSm, SMPPServerSession source) throws ProcessRequestException {
        throw new ProcessRequestException("not supported", 0x03);
    }

    @Override
    public void onAcceptCancelSm(CancelSm cancelSm, SMPPServerSession source) throws ProcessRequestException {
        throw new ProcessRequestException("not supported", 0x03);
    }

    @Override
    public BroadcastSmResult onAcceptBroadcastSm(BroadcastSm broadcastSm, SMPPServerSession source)
            throws ProcessRequestException {
        throw new ProcessRequestException("not supported", 0x03);
    }

    @Override
    public void onAcceptCancelBroadcastSm(CancelBroadcastSm cancelBroadcastSm, SMPPServerSession source)
            throws ProcessRequestException {
        throw new ProcessRequestException("not supported", 0x03);
    }

    @Override
    public QueryBroadcastSmResult onAcceptQueryBroadcastSm(QueryBroadcastSm queryBroadcastSm, SMPPServerSession source)
            throws ProcessRequestException {
        throw new ProcessRequestException("not supported", 0x03);
    }

    @Override
    public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
        throw new ProcessRequestException("not supported", 0x03);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        sessions.forEach(SMPPServerSession::unbindAndClose);
        listener.close();
        pool.shutdownNow();
        receiptSender.shutdownNow();
    }
}
