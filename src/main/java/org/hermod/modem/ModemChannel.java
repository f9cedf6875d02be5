package org.hermod.modem;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * <p>Outcomes: {@code +CMGS: <mr>} for every part is SENT; a permanent {@link CmsError} is FAILED; anything else
 * (transient CMS errors, ERROR, no prompt, a dropped link, a modem not connected) is RETRY, and after a dropped
 * link or a timeout the rest of the batch is RETRY too, without touching the modem. A long SMS that fails after
 * some parts went out is retried whole: the recipient may see those parts twice.
 */
public final class ModemChannel implements SmsChannel {

    private static final Logger LOG = LoggerFactory.getLogger(ModemChannel.class);
    private static final Pattern CMGS = Pattern.compile("(\\d+)");

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
        try {
            return connection.call(at -> sendAll(at, batch));
        } catch (IOException e) {
            String reason = "modem " + name() + ": " + e.getMessage();
            return batch.stream().map(s -> SendOutcome.retry(s.id(), reason)).toList();
        }
    }

    private List<SendOutcome> sendAll(AtDriver at, List<OutgoingSms> batch) throws IOException {
        List<SendOutcome> outcomes = new ArrayList<>(batch.size());
        IOException linkError = null;
        for (OutgoingSms sms : batch) {
            if (linkError != null) {
                outcomes.add(SendOutcome.retry(sms.id(), "modem " + name() + ": " + linkError.getMessage()));
                continue;
            }
            try {
                outcomes.add(send(at, sms));
            } catch (AtDriver.LinkDownException | AtDriver.TimeoutException e) {
                linkError = e;
                outcomes.add(SendOutcome.retry(sms.id(), "modem " + name() + ": " + e.getMessage()));
            }
        }
        if (linkError != null) {
            connection.broken(linkError);
        }
        return outcomes;
    }

    private SendOutcome send(AtDriver at, OutgoingSms sms) throws IOException {
        List<SubmitPdu> pdus;
        try {
            pdus = Pdu.submit(settings.smsc().orElse(null), sms.recipient(), sms.text().text(), 0,
                    (int) (sms.id() & 0xFF), settings.statusReports());
        } catch (IllegalArgumentException e) {
            return SendOutcome.failed(sms.id(), "cannot be sent by modem: " + e.getMessage());
        }
        List<Integer> references = new ArrayList<>(pdus.size());
        for (int i = 0; i < pdus.size(); i++) {
            SubmitPdu pdu = pdus.get(i);
            AtResponse r = at.submit(pdu.tpduLength(), pdu.hex(), settings.promptTimeout(), settings.sendTimeout());
            String part = pdus.size() > 1 ? " (part " + (i + 1) + " of " + pdus.size()
                    + (i > 0 ? ", earlier parts were sent" : "") + ")" : "";
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
