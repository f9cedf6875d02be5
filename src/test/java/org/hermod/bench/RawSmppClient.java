package org.hermod.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.hermod.sms.SmsText;
import org.hermod.smpp.SmppParts;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RawDataCoding;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.hermod.testing.TestSmsc;

/**
 * The ceiling Hermod's SMPP channel is measured against: a plain jSMPP client with the same binds and window, no
 * database, no directory, submitting the same text to the same numbers as fast as the SMSC answers. With receipts
 * on it asks for them and acknowledges each deliver_sm without doing anything with it.
 */
final class RawSmppClient implements AutoCloseable {

    private final List<SMPPSession> sessions = new ArrayList<>();
    private final List<ExecutorService> windows = new ArrayList<>();
    private final AtomicInteger receipts = new AtomicInteger();
    private final int window;

    RawSmppClient(TestSmsc smsc, int binds, int window, int receiveThreads, int receiveQueue) throws Exception {
        this.window = window;
        for (int i = 0; i < binds; i++) {
            SMPPSession session = new SMPPSession();
            session.setPduProcessorDegree(receiveThreads);
            session.setQueueCapacity(receiveQueue);
            session.setMessageReceiverListener((MessageReceiverListener) new ReceiptCounter(receipts));
            session.connectAndBind("127.0.0.1", smsc.port(), new BindParameter(BindType.BIND_TRX, smsc.systemId,
                    smsc.password, "", TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null), 10_000);
            sessions.add(session);
            windows.add(Executors.newFixedThreadPool(window));
        }
    }

    int receipts() {
        return receipts.get();
    }

    /** Submits one SMS of {@code text} to each number, {@code window} in flight per bind; returns when all are answered. */
    void send(List<String> numbers, String text, boolean withReceipts) throws Exception {
        List<SmppParts.Part> parts = SmppParts.of(SmsText.of(text), 1);
        List<Future<?>> futures = new ArrayList<>(numbers.size());
        for (int i = 0; i < numbers.size(); i++) {
            SMPPSession session = sessions.get(i % sessions.size());
            String to = numbers.get(i);
            futures.add(windows.get(i % sessions.size()).submit(() -> {
                for (SmppParts.Part part : parts) {
                    session.submitShortMessage(null, TypeOfNumber.ALPHANUMERIC, NumberingPlanIndicator.UNKNOWN, "Skolen",
                            TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, to, new ESMClass(part.esmClass()),
                            (byte) 0, (byte) 1, null, null, new RegisteredDelivery(withReceipts
                                    ? SMSCDeliveryReceipt.SUCCESS_FAILURE : SMSCDeliveryReceipt.DEFAULT), (byte) 0,
                            new RawDataCoding(part.dataCoding()), (byte) 0, part.shortMessage());
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
    }

    int window() {
        return window;
    }

    @Override
    public void close() {
        sessions.forEach(SMPPSession::unbindAndClose);
        windows.forEach(ExecutorService::shutdownNow);
    }

    /** Acknowledges every deliver_sm (jSMPP answers deliver_sm_resp when the listener returns) and counts it. */
    private static final class ReceiptCounter implements MessageReceiverListener {
        private final AtomicInteger receipts;

        ReceiptCounter(AtomicInteger receipts) {
            this.receipts = receipts;
        }

        @Override
        public void onAcceptDeliverSm(org.jsmpp.bean.DeliverSm deliverSm) {
            receipts.incrementAndGet();
        }

        @Override
        public void onAcceptAlertNotification(org.jsmpp.bean.AlertNotification alertNotification) {
        }

        @Override
        public org.jsmpp.session.DataSmResult onAcceptDataSm(org.jsmpp.bean.DataSm dataSm, org.jsmpp.session.Session source) {
            return null;
        }
    }
}
