package org.hermod.modem;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hermod.channel.Handover;
import org.hermod.channel.OutgoingSms;
import org.hermod.channel.SendOutcome;
import org.hermod.channel.SmsChannel;
import org.hermod.sms.Pdu;
import org.hermod.sms.SubmitPdu;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A GSM modem as an SMS channel: each SMS becomes one SMS-SUBMIT per segment ({@link Pdu#submit}, GSM 7-bit or
 * UCS-2, concatenated with a UDH), sent with AT+CMGS in PDU mode on the modem's owner thread. The message
 * references of the parts are stored to match status reports; the provider id is {@code mr:<n>[,<n>...]}.
 *
 * <p>One SMS at a time is marked handed over just before its first AT+CMGS, together with the outcomes of the SMS
 * before it ({@link Handover#record}), and the last outcomes are recorded when the batch ends, so a crash leaves at
 * most one SMS of the modem in doubt: the one on the wire. An SMS whose mark fails is not sent, nor is the rest of
 * the batch.
 *
 * <p>Outcomes: {@code +CMGS: <mr>} for every part is SENT; a permanent {@link CmsError} is FAILED; a transient
 * one, or any other answer (ERROR), is RETRY. An SMS never written to the modem (modem not connected, no prompt,
 * the link dropped before the PDU, a failed mark, or behind a dropped link in the batch) is NOT_SENT. An SMS whose
 * PDU was written but not answered (the link dropped, or no answer within the send timeout) is IN_DOUBT: the
 * modem may have sent it, and the outbox decides ({@code hermod.outbox.in-doubt}). After a dropped link or a
 * timeout the link is closed and reopened, and the rest of the batch is NOT_SENT without touching the modem. A
 * long SMS that fails after some parts went out is RETRY, and retried whole: the recipient may see those parts
 * twice.
 */
public final class ModemChannel implements SmsChannel {

    private static final Logger LOG = LoggerFactory.getLogger(ModemChannel.class);
    private static final Pattern CMGS = Pattern.compile("(\\d+)");

    /** The link failed while sending one SMS: its outcome, and the failure that closes the link. */
    private static final class LinkFailed extends Exception {
        private final SendOutcome outcome;
        private final IOException cause;

        LinkFailed(SendOutcome outcome, IOException cause) {
            super(cause.getMessage(), cause, false, false);
            this.outcome = outcome;
            this.cause = cause;
        }
    }

    /** What one batch has come to, shared by the caller and the owner thread (which may outlive an interrupt). */
    private static final class Batch {
        final Map<Long, SendOutcome> outcomes = new ConcurrentHashMap<>();
        final Set<Long> handed = ConcurrentHashMap.newKeySet();
        volatile boolean abandoned;
        volatile String stopped;
    }

    private final ModemSettings settings;
    private final ModemConnection connection;
    private final ModemStore store;

    public ModemChannel(ModemSettings settings, ModemConnection connection, ModemStore store) {
        this.settings = settings;
        this.connection = connection;
        this.store = store;
    }

    @Override
    public String name() {
        return settings.name();
    }

    /** While the modem is not connected and registered, the dispatcher leaves its SMS queued (no attempt spent). */
    @Override
    public boolean ready() {
        return connection.status().state() == ModemConnection.State.READY;
    }

    @Override
    public int maxBatch() {
        return settings.batchSize();
    }

    @Override
    public List<SendOutcome> send(List<OutgoingSms> batch) {
        return send(batch, Handover.NONE);
    }

    @Override
    public List<SendOutcome> send(List<OutgoingSms> batch, Handover handover) {
        Batch state = new Batch();
        String unavailable = null;
        try {
            connection.call(at -> {
                sendAll(at, batch, handover, state);
                return null;
            });
        } catch (IOException | RuntimeException e) {
            // not connected (nothing written), or something broke mid-batch: the outcomes so far still stand
            unavailable = "modem " + name() + ": " + e.getMessage();
            if (e instanceof RuntimeException) {
                LOG.error("Modem {}: sending a batch failed: {}", name(), e.toString());
            }
        } finally {
            state.abandoned = true; // interrupted: the owner thread sends no further SMS of this batch
        }
        List<SendOutcome> outcomes = new ArrayList<>(batch.size());
        for (OutgoingSms sms : batch) {
            SendOutcome outcome = state.outcomes.get(sms.id());
            if (outcome == null && state.handed.contains(sms.id())) {
                outcome = SendOutcome.inDoubt(sms.id(), (unavailable == null ? "modem " + name() : unavailable)
                        + ": stopped waiting while it was being sent");
            } else if (outcome == null) {
                String reason = state.stopped != null ? state.stopped : unavailable != null ? unavailable
                        : "modem " + name() + ": not sent";
                outcome = SendOutcome.notSent(sms.id(), reason);
            }
            outcomes.add(outcome);
        }
        return outcomes;
    }

    /**
     * Owner thread: sends SMS by SMS until the batch is done or the link fails; the rest stays without outcome. The
     * outcomes answered since the last mark are stored at the end too, so that only an SMS on the wire is in doubt.
     */
    private void sendAll(AtDriver at, List<OutgoingSms> batch, Handover handover, Batch state) {
        List<SendOutcome> answered = new ArrayList<>(); // since the last mark, stored with the next one
        for (OutgoingSms sms : batch) {
            if (state.abandoned) {
                return; // the caller has answered for the rest; the dispatcher stores what it was told
            }
            List<SubmitPdu> pdus;
            try {
                pdus = Pdu.submit(settings.smsc().orElse(null), sms.recipient(), sms.text().text(), 0,
                        (int) (sms.id() & 0xFF), settings.statusReports());
            } catch (IllegalArgumentException e) {
                SendOutcome failed = SendOutcome.failed(sms.id(), "cannot be sent by modem: " + e.getMessage());
                state.outcomes.put(sms.id(), failed);
                answered.add(failed);
                continue;
            }
            try {
                handover.record(List.of(sms.id()), List.copyOf(answered));
                answered.clear();
            } catch (RuntimeException e) { // Handover.Failed, or a mark that broke otherwise
                state.stopped = "modem " + name() + ": not handed over, its mark could not be stored: " + e.getMessage();
                return; // nothing to flush either: the dispatcher stores every outcome again
            }
            state.handed.add(sms.id());
            try {
                SendOutcome outcome = send(at, sms, pdus);
                state.outcomes.put(sms.id(), outcome);
                answered.add(outcome);
            } catch (LinkFailed e) {
                state.outcomes.put(sms.id(), e.outcome);
                answered.add(e.outcome);
                state.stopped = "modem " + name() + ": not sent, the link failed before it: " + e.cause.getMessage();
                connection.broken(e.cause);
                break;
            }
        }
        if (!answered.isEmpty()) {
            try {
                handover.record(List.of(), List.copyOf(answered));
            } catch (RuntimeException e) {
                LOG.debug("Modem {}: outcomes not stored early ({}); the dispatcher stores them", name(), e.toString());
            }
        }
    }

    private SendOutcome send(AtDriver at, OutgoingSms sms, List<SubmitPdu> pdus) throws LinkFailed {
        List<Integer> references = new ArrayList<>(pdus.size());
        for (int i = 0; i < pdus.size(); i++) {
            SubmitPdu pdu = pdus.get(i);
            String part = pdus.size() > 1 ? " (part " + (i + 1) + " of " + pdus.size()
                    + (i > 0 ? ", earlier parts were sent" : "") + ")" : "";
            AtResponse r;
            try {
                r = at.submit(pdu.tpduLength(), pdu.hex(), settings.promptTimeout(), settings.sendTimeout());
            } catch (AtDriver.UnansweredException e) {
                throw new LinkFailed(SendOutcome.inDoubt(sms.id(), "modem " + name() + ": " + e.getMessage()
                        + "; it may have been sent" + part), e.reason());
            } catch (IOException e) {
                String reason = "modem " + name() + ": " + e.getMessage() + part;
                throw new LinkFailed(i == 0 ? SendOutcome.notSent(sms.id(), reason) : SendOutcome.retry(sms.id(), reason),
                        e);
            }
            if (r.cmsError().isPresent()) {
                CmsError error = CmsError.of(r.cmsError().get());
                return error.kind() == CmsError.Kind.PERMANENT
                        ? SendOutcome.failed(sms.id(), "modem " + name() + ": " + error + part)
                        : SendOutcome.retry(sms.id(), "modem " + name() + ": " + error + part);
            }
            Matcher mr = CMGS.matcher(r.value("+CMGS:").orElse(""));
            if (!r.ok() || !mr.find()) {
                return SendOutcome.retry(sms.id(), "modem " + name() + " answered " + r + part);
            }
            references.add(Integer.parseInt(mr.group(1)));
        }
        try {
            store.submitted(name(), sms.id(), references, sms.recipient());
        } catch (RuntimeException e) {
            LOG.error("Modem {}: SMS {} was sent but its message references were not stored, so its status report "
                    + "cannot be matched: {}", name(), sms.id(), e.toString());
        }
        return SendOutcome.sent(sms.id(), "mr:" + String.join(",", references.stream().map(String::valueOf).toList()));
    }
}
