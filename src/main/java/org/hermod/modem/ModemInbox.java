package org.hermod.modem;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hermod.inbound.Inbound;
import org.hermod.inbound.InboundParts;
import org.hermod.sms.Deliver;
import org.hermod.sms.Pdu;
import org.hermod.sms.StatusReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a modem receives: SMS announced by {@code +CMTI} are read with AT+CMGR and deleted with AT+CMGD; status
 * reports come as {@code +CDS} (or stored, {@code +CDSI}); a sweep with AT+CMGL=4 after every (re)connect and
 * periodically picks up whatever arrived while nobody listened, so nothing stays on the SIM. An SMS is deleted
 * from the SIM only after it is stored; a concatenated SMS is kept part by part in the database until complete
 * (or too old, then delivered with the gaps marked).
 *
 * <p>The inbound provider id is stable across a re-read of the same SIM slot: service centre time stamp, sender,
 * and the concatenation reference (or a hash of the text for a single SMS).
 */
public final class ModemInbox {

    private static final Logger LOG = LoggerFactory.getLogger(ModemInbox.class);
    private static final Pattern INDEX = Pattern.compile("(\\d+)\\s*$");
    private static final Pattern LISTED = Pattern.compile("^\\+CMG[LR]:\\s*(\\d+)?");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmssxx");

    private final ModemSettings settings;
    private final ModemStore store;
    private final Supplier<Inbound> inbound;
    private final Clock clock;
    private volatile Instant lastSweep = Instant.EPOCH;

    public ModemInbox(ModemSettings settings, ModemStore store, Supplier<Inbound> inbound, Clock clock) {
        this.settings = settings;
        this.store = store;
        this.inbound = inbound;
        this.clock = clock;
    }

    /** Owner thread: one unsolicited code. */
    public void urc(AtDriver at, Urc urc) {
        try {
            if (urc.is("+CMTI:") || urc.is("+CDSI:")) {
                Matcher m = INDEX.matcher(urc.value());
                if (m.find() && at != null && at.alive()) {
                    read(at, Integer.parseInt(m.group(1)));
                }
            } else if (urc.is("+CDS:") || urc.is("+CMT:")) {
                if (urc.pdu() != null) {
                    handle(urc.pdu());
                }
            } else if (!urc.is("RING")) {
                LOG.debug("Modem {}: ignored {}", settings.name(), urc.line());
            }
        } catch (IOException e) {
            LOG.warn("Modem {}: could not read the SMS of {}: {} (the next sweep picks it up)", settings.name(),
                    urc.line(), e.getMessage());
        }
    }

    /** Owner thread: when the sweep interval has passed, {@link #sweep}. */
    public void sweepIfDue(AtDriver at) throws IOException {
        if (!clock.instant().isBefore(lastSweep.plus(settings.sweepInterval()))) {
            sweep(at);
        }
    }

    /** Owner thread: reads every message on the SIM (AT+CMGL=4), hands each on, deletes what was handled. */
    public void sweep(AtDriver at) throws IOException {
        lastSweep = clock.instant();
        AtResponse list = at.command("AT+CMGL=4", settings.sendTimeout());
        if (!list.ok()) {
            LOG.warn("Modem {}: AT+CMGL=4 answered {}", settings.name(), list.result());
            return;
        }
        List<String> lines = list.lines();
        int handled = 0;
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = LISTED.matcher(lines.get(i));
            if (m.find() && m.group(1) != null && i + 1 < lines.size()) {
                if (handle(lines.get(++i))) {
                    delete(at, Integer.parseInt(m.group(1)));
                    handled++;
                }
            }
        }
        if (handled > 0) {
            LOG.info("Modem {}: {} message(s) taken from the SIM by the sweep", settings.name(), handled);
        }
    }

    private void read(AtDriver at, int index) throws IOException {
        AtResponse r = at.command("AT+CMGR=" + index, settings.commandTimeout());
        if (!r.ok() || r.lines().size() < 2) {
            LOG.debug("Modem {}: AT+CMGR={} answered {}", settings.name(), index, r);
            return;
        }
        if (handle(r.lines().get(1))) {
            delete(at, index);
        }
    }

    private void delete(AtDriver at, int index) throws IOException {
        AtResponse r = at.command("AT+CMGD=" + index, settings.commandTimeout());
        if (!r.ok()) {
            LOG.warn("Modem {}: AT+CMGD={} answered {}", settings.name(), index, r.result());
        }
    }

    /** Stores one received PDU; true when it may be deleted from the SIM (stored, or poison recorded). */
    boolean handle(String hex) {
        int type;
        try {
            byte[] octets = HexFormat.of().parseHex(hex.strip());
            type = octets[1 + (octets[0] & 0xFF)] & 0x03;
        } catch (RuntimeException e) {
            return poison(hex, e);
        }
        try {
            if (type == 0x02) {
                StatusReport report = Pdu.parseStatusReport(hex);
                if (store.report(settings.name(), report)) {
                    store.applyReports(settings.name());
                }
                return true;
            }
            if (type != 0x00) {
                return poison(hex, new IllegalArgumentException("TP-MTI " + type + " is neither a DELIVER nor a STATUS-REPORT"));
            }
            deliver(Pdu.parseDeliver(hex));
            return true;
        } catch (IllegalArgumentException e) {
            return poison(hex, e);
        }
    }

    private void deliver(Deliver sms) {
        String stamp = sms.serviceCentreTime() == null ? "?" : sms.serviceCentreTime().format(STAMP);
        Instant at = sms.serviceCentreTime() == null ? null : sms.serviceCentreTime().toInstant();
        if (sms.concat() == null) {
            inbound.get().received(settings.name(), stamp + "/" + sms.originator() + "/h"
                    + Integer.toHexString(sms.text().hashCode()), sms.originator(), null, sms.text(), at);
            return;
        }
        Deliver.Concat concat = sms.concat();
        List<InboundParts.Part> parts = store.parts().add(settings.name(), new InboundParts.Part(sms.originator(),
                concat.reference(), concat.total(), concat.sequence(), sms.text(), at));
        if (!parts.isEmpty()) {
            received(parts, false);
        }
    }

    /** Owner thread or timer: incomplete concatenated SMS older than the timeout are delivered with gaps marked. */
    public void expireParts() {
        for (List<InboundParts.Part> parts : store.parts().takeIncomplete(settings.name(),
                clock.instant().minus(settings.concatTimeout()))) {
            LOG.warn("Modem {}: SMS from {} arrived incomplete ({} of {} parts) and is delivered as it is", settings.name(),
                    org.hermod.outbox.PhoneNumbers.mask(parts.get(0).sender()), parts.size(), parts.get(0).total());
            received(parts, true);
        }
    }

    private void received(List<InboundParts.Part> parts, boolean incomplete) {
        InboundParts.Part first = parts.get(0);
        String text = InboundParts.join(parts);
        Instant sentAt = parts.stream().map(InboundParts.Part::sentAt).filter(java.util.Objects::nonNull).min(Instant::compareTo)
                .orElse(null);
        String id = (sentAt == null ? "?" : sentAt.toString()) + "/" + first.sender() + "/c" + first.reference() + "-"
                + first.total() + (incomplete ? "/incomplete" : "");
        inbound.get().received(settings.name(), id, first.sender(), null, text, sentAt);
    }

    /** An unreadable PDU is kept in the inbound table (and forwarded like any SMS), never silently dropped. */
    private boolean poison(String hex, RuntimeException e) {
        LOG.error("Modem {}: unreadable PDU {}: {}", settings.name(), hex, e.getMessage());
        String id = "unreadable/" + Integer.toHexString(hex.hashCode()) + "/" + hex.length();
        inbound.get().received(settings.name(), id.length() > 128 ? id.substring(0, 128) : id, "unknown", null,
                "[unreadable PDU: " + e.getMessage() + "] " + (hex.length() > 3000 ? hex.substring(0, 3000) : hex), clock.instant());
        return true;
    }

}
