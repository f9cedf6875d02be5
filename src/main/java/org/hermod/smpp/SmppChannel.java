package org.hermod.smpp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.hermod.channel.Handover;
import org.hermod.channel.HandoverGate;
import org.hermod.channel.OutgoingSms;
import org.hermod.channel.SendOutcome;
import org.hermod.channel.SmsChannel;
import org.hermod.outbox.DeliveryReports;
import org.jsmpp.InvalidResponseException;
import org.jsmpp.PDUException;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RawDataCoding;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.extra.ResponseTimeoutException;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.SubmitSmResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SMPP 3.4 channel: {@code binds} binds ({@link SmppLink}) to one SMSC, each with up to {@code window}
 * submit_sm in flight. A batch from the dispatcher is spread over the bound links; every SMS becomes its
 * {@link SmppParts} submitted in order, and the SMSC message ids of all parts are recorded with
 * {@link DeliveryReports#recordParts} so the receipt of every part is matched.
 *
 * <p>Outcomes: all parts accepted → SENT (the ids, space separated, are the SMS's provider id);
 * ESME_RTHROTTLED / ESME_RMSGQFUL → every submitter of the channel pauses ({@code throttle-pause}, doubling while
 * the SMSC keeps throttling) and the part is submitted again, up to three times, then RETRY; other transient
 * errors or a lost bind → RETRY; no submit_sm_resp within the response timeout → IN_DOUBT (it may have left;
 * {@code hermod.outbox.in-doubt} decides); any other error (invalid destination 0x0B …) → FAILED. While no link is bound {@link #ready()} is
 * false and the dispatcher leaves the SMS queued.
 *
 * <p>Why jSMPP directly and not camel-smpp's producer: the dispatcher hands over batches and needs one outcome
 * per SMS and the message id of every part, with many submit_sm in flight at once. camel-smpp's producer sends
 * one exchange at a time with a synchronous submit per bind, so its throughput is one round trip per part; a
 * window needs concurrent submits on the same session, which jSMPP (the library camel-smpp wraps, 3.0.1) supports
 * directly. camel-smpp's consumer was not used for deliver_sm either, because a transceiver bind must receive on
 * the very session that submits; {@link SmppReceiver} is that session's listener. Not measured side by side.
 */
public final class SmppChannel implements SmsChannel, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SmppChannel.class);
    private static final int THROTTLE_TRIES = 3;

    private final SmppSettings settings;
    private final DeliveryReports reports;
    private final ScheduledExecutorService scheduler;
    private final List<SmppLink> links = new ArrayList<>();
    private final List<ExecutorService> submitters = new ArrayList<>();
    private final ExecutorService marker;
    private final Throttle throttle;
    private final SmppReceiver receiver;

    SmppChannel(SmppSettings settings, DeliveryReports reports, SmppReceiver receiver) {
        this.settings = settings;
        this.receiver = receiver;
        this.reports = reports;
        this.throttle = new Throttle(settings.throttlePause().toNanos());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(threads("smpp-" + settings.name() + "-link"));
        this.marker = Executors.newCachedThreadPool(threads("smpp-" + settings.name() + "-handover"));
        for (int i = 0; i < settings.binds(); i++) {
            links.add(new SmppLink(settings, i, receiver, scheduler));
            submitters.add(Executors.newFixedThreadPool(settings.window(), threads("smpp-" + settings.name() + "-" + i)));
        }
    }

    public static SmppChannel create(SmppSettings settings, DeliveryReports reports, org.hermod.inbound.Inbound inbound,
                                     org.hermod.channel.ReceiptListener receipts, java.time.Clock clock) {
        // a group holds at most what the receiving threads of all binds hand over at once
        return new SmppChannel(settings, reports, new SmppReceiver(settings.name(), reports, inbound, receipts, clock,
                settings.binds() * settings.receiveThreads()));
    }

    @Override
    public String name() {
        return settings.name();
    }

    public SmppSettings settings() {
        return settings;
    }

    /** Connects every bind in the background; a bind that fails keeps retrying with backoff. */
    public void start() {
        LOG.info("SMPP channel {} starting", settings);
        links.forEach(SmppLink::start);
    }

    @Override
    public int dispatchers() {
        return settings.dispatchers();
    }

    @Override
    public boolean ready() {
        return links.stream().anyMatch(l -> l.session() != null);
    }

    @Override
    public List<SendOutcome> send(List<OutgoingSms> batch) {
        return send(batch, Handover.NONE);
    }

    /**
     * Spreads the batch over the bound links, {@code window} submits in flight per link. The SMS are marked as handed
     * over up to a window ahead of the submits ({@link HandoverGate}), so a crash leaves at most twice
     * {@code binds × window} of them in doubt, however large the batch.
     */
    @Override
    public List<SendOutcome> send(List<OutgoingSms> batch, Handover handover) {
        List<Integer> bound = new ArrayList<>();
        for (int i = 0; i < links.size(); i++) {
            if (links.get(i).session() != null) {
                bound.add(i);
            }
        }
        if (bound.isEmpty()) {
            return batch.stream().map(s -> SendOutcome.notSent(s.id(), "SMPP " + name() + ": no bind")).toList();
        }
        HandoverGate gate = HandoverGate.open(batch, settings.window() * bound.size(), handover, marker);
        List<CompletableFuture<Submitted>> futures = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            SmppLink link = links.get(bound.get(i % bound.size()));
            futures.add(CompletableFuture.supplyAsync(() -> {
                HandoverGate.Turn turn = gate.take();
                Submitted submitted = turn.mayGo() ? submit(turn.sms(), link)
                        : Submitted.of(SendOutcome.notSent(turn.sms().id(), turn.refused()));
                gate.answered(submitted.outcome());
                return submitted;
            }, submitters.get(bound.get(i % bound.size()))));
        }
        List<SendOutcome> outcomes = new ArrayList<>(batch.size());
        List<DeliveryReports.Part> parts = new ArrayList<>();
        for (CompletableFuture<Submitted> f : futures) {
            Submitted s = f.join();
            outcomes.add(s.outcome());
            parts.addAll(s.parts());
        }
        gate.flush();
        reports.recordParts(name(), parts);
        return outcomes;
    }

    private record Submitted(SendOutcome outcome, List<DeliveryReports.Part> parts) {
        static Submitted of(SendOutcome outcome) {
            return new Submitted(outcome, List.of());
        }
    }

    private Submitted submit(OutgoingSms sms, SmppLink link) {
        List<SmppParts.Part> parts = SmppParts.of(sms.text(), (int) (sms.id() & 0xFF));
        List<String> ids = new ArrayList<>(parts.size());
        String destination = sms.recipient().startsWith("+") ? sms.recipient().substring(1) : sms.recipient();
        for (int i = 0; i < parts.size(); i++) {
            String where = parts.size() > 1 ? " (part " + (i + 1) + "/" + parts.size() + ")" : "";
            for (int tries = 1; ; tries++) {
                SMPPSession session = link.session();
                if (session == null) {
                    String why = "SMPP " + link.label() + ": bind lost" + where;
                    return Submitted.of(i == 0 ? SendOutcome.notSent(sms.id(), why) : SendOutcome.retry(sms.id(), why));
                }
                throttle.awaitClear();
                try {
                    ids.add(submit(session, destination, sms, parts.get(i)).getMessageId());
                    throttle.ok();
                    break;
                } catch (NegativeResponseException e) {
                    int status = e.getCommandStatus();
                    if (SmppStatus.throttled(status)) {
                        throttle.hit();
                        if (tries < THROTTLE_TRIES) {
                            continue;
                        }
                    }
                    String why = "SMSC answered " + SmppStatus.describe(status) + where;
                    return Submitted.of(SmppStatus.transientError(status) ? SendOutcome.retry(sms.id(), why)
                            : SendOutcome.failed(sms.id(), why));
                } catch (ResponseTimeoutException e) {
                    return Submitted.of(SendOutcome.inDoubt(sms.id(), "no submit_sm_resp within "
                            + settings.responseTimeout() + where));
                } catch (IOException | InvalidResponseException e) {
                    return Submitted.of(SendOutcome.retry(sms.id(), "SMPP " + link.label() + ": " + e.getMessage() + where));
                } catch (PDUException e) {
                    return Submitted.of(SendOutcome.failed(sms.id(), "cannot be sent over SMPP: " + e.getMessage() + where));
                }
            }
        }
        List<DeliveryReports.Part> recorded = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            recorded.add(new DeliveryReports.Part(sms.id(), ids.get(i), i + 1, ids.size(), sms.recipient()));
        }
        String providerId = String.join(" ", ids);
        return new Submitted(SendOutcome.sent(sms.id(), providerId.length() <= 128 ? providerId
                : providerId.substring(0, 128)), recorded);
    }

    private SubmitSmResult submit(SMPPSession session, String destination, OutgoingSms sms, SmppParts.Part part)
            throws PDUException, ResponseTimeoutException, InvalidResponseException, NegativeResponseException,
            IOException {
        return session.submitShortMessage(null,
                TypeOfNumber.valueOf((byte) settings.sourceTon()), NumberingPlanIndicator.valueOf((byte) settings.sourceNpi()),
                settings.sourceAddress(),
                TypeOfNumber.valueOf((byte) settings.destTon()), NumberingPlanIndicator.valueOf((byte) settings.destNpi()),
                destination, new ESMClass(part.esmClass()), (byte) 0, (byte) (sms.emergency() ? 1 : 0), null, null,
                new RegisteredDelivery(settings.deliveryReceipts() ? SMSCDeliveryReceipt.SUCCESS_FAILURE
                        : SMSCDeliveryReceipt.DEFAULT), (byte) 0, new RawDataCoding(part.dataCoding()), (byte) 0,
                part.shortMessage());
    }

    @Override
    public void close() {
        links.forEach(SmppLink::stop);
        receiver.close();
        submitters.forEach(ExecutorService::shutdownNow);
        marker.shutdownNow();
        scheduler.shutdownNow();
    }

    /** Shared by every submitter of the channel: after a throttling answer nobody submits until the pause is over. */
    static final class Throttle {
        private final long basePauseNanos;
        private volatile long pauseNanos;
        private volatile long pausedUntil;

        Throttle(long basePauseNanos) {
            this.basePauseNanos = basePauseNanos;
            this.pauseNanos = basePauseNanos;
            this.pausedUntil = System.nanoTime();
        }

        void hit() {
            long now = System.nanoTime();
            if (now - pausedUntil >= 0) {
                pausedUntil = now + pauseNanos;
                pauseNanos = Math.min(pauseNanos * 2, basePauseNanos * 16);
                LOG.info("SMSC throttling: pausing submits for {} ms", (pausedUntil - now) / 1_000_000);
            }
        }

        void ok() {
            if (pauseNanos != basePauseNanos) {
                pauseNanos = basePauseNanos;
            }
        }

        void awaitClear() {
            long wait;
            while ((wait = pausedUntil - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
