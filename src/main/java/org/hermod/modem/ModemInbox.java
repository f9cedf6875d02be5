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
 * from the SIM only after it was read and stored (an unreadable one stays); a concatenated SMS is kept part by part in the database until complete
 * (or too old, then delivered with the gaps marked).
 *
 * <p>The inbound provider id is stable across a re-read of the same SIM slot: service centre time stamp, sender,
 * and the concatenation reference (or a hash of the text for a single SMS).
 */
public final class ModemInbox {

    private static final Logger LOG = LoggerFactory.getLogger(ModemInbox.class);
    private static final Pattern INDEX = Pattern.compile("(\\d+)\\s*$");
    private static final Pattern LISTED = Pattern.compile("^\\+CMG[LR]:\\s*(\\d+)?");
    private static final Pattern HEX = Pattern.compile("(?:[0-9A-Fa-f]{2})+");
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
            if (!m.find() || m.group(1) == null) {
                unsolicited(at, lines.get(i));
                continue;
            }
            int pdu = pduAfter(lines, i);
            if (pdu < 0) {
                LOG.warn("Modem {}: {} has no PDU after it; left on the SIM", settings.name(), lines.get(i));
                continue;
            }
            for (int j = i + 1; j < pdu; j++) {
                unsolicited(at, lines.get(j));
            }
            i = pdu;
            if (handle(lines.get(pdu))) {
                delete(at, Integer.parseInt(m.group(1)));
                handled++;
            }
        }
        if (handled > 0) {
            LOG.info("Modem {}: {} message(s) taken from the SIM by the sweep", settings.name(), handled);
        }
    }

    /**
     * AT+CMGR (TS 27.005 3.4.3, PDU mode): the answer is {@code +CMGR: <stat>,[<alpha>],<length>} and the PDU on the
     * line after it. Any other line in the answer is an unsolicited code the framer does not know (a modem may
     * interleave {@code +CSQ:} or {@code ^RSSI:} anywhere), handled as one, and never taken for the PDU.
     */
    private void read(AtDriver at, int index) throws IOException {
        AtResponse r = at.command("AT+CMGR=" + index, settings.commandTimeout());
        List<String> lines = r.lines();
        int header = -1;
        for (int i = 0; i < lines.size() && header < 0; i++) {
            header = lines.get(i).startsWith("+CMGR:") ? i : -1;
        }
        int pdu = header < 0 ? -1 : pduAfter(lines, header);
        for (int i = 0; i < lines.size(); i++) {
            if (i != header && i != pdu) {
                unsolicited(at, lines.get(i));
            }
        }
        if (!r.ok() || pdu < 0) {
            LOG.debug("Modem {}: AT+CMGR={} answered {}; left on the SIM", settings.name(), index, r);
            return;
        }
        if (handle(lines.get(pdu))) {
            delete(at, index);
        }
    }

    /** The PDU of the {@code +CMGR:}/{@code +CMGL:} line at {@code header}: the next line that is hex; -1 if none. */
    private static int pduAfter(List<String> lines, int header) {
        for (int i = header + 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (LISTED.matcher(line).find()) {
                return -1;
            }
            if (HEX.matcher(line).matches()) {
                return i;
            }
        }
        return -1;
    }

    private void unsolicited(AtDriver at, String line) {
        LOG.debug("Modem {}: unsolicited {} inside an answer", settings.name(), line);
        urc(at, new Urc(line, null));
    }

    private void delete(AtDriver at, int index) throws IOException {
        AtResponse r = at.command("AT+CMGD=" + index, settings.commandTimeout());
        if (!r.ok()) {
            LOG.warn("Modem {}: AT+CMGD={} answered {}", settings.name(), index, r.result());
        }
    }

    /**
     * Stores one received PDU; true when it may be deleted from the SIM: it was read and stored. An unreadable one
     * is recorded (see {@link #poison}) but stays on the SIM, for someone to look at with the modem's own tools.
     */
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

    /**
     * An unreadable PDU is kept in the inbound table (and forwarded like any SMS), never silently dropped, and not
     * deleted from the SIM (false): the next sweep finds it again, which stores and logs nothing new.
     */
    private boolean poison(String hex, RuntimeException e) {
        String id = "unreadable/" + Integer.toHexString(hex.hashCode()) + "/" + hex.length();
        boolean fresh = inbound.get().received(settings.name(), id.length() > 128 ? id.substring(0, 128) : id, "unknown",
                null, "[unreadable PDU: " + e.getMessage() + "] " + (hex.length() > 3000 ? hex.substring(0, 3000) : hex),
                clock.instant());
        (fresh ? LOG.atError() : LOG.atDebug()).log("Modem {}: unreadable PDU {}: {}; stored as from 'unknown' and "
                + "left on the SIM", settings.name(), hex, e.getMessage());
        return false;
    }

}
