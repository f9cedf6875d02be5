package org.hermod.modem;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hermod.db.Database;
import org.hermod.db.Jdbc;
import org.hermod.sms.Deliver;
import org.hermod.sms.StatusReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The modems' own tables (V20__modem.sql): the message reference of every part sent, to match status reports
 * ({@code modem_submit}), and the parts of concatenated SMS received so far ({@code modem_inbound_part}).
 */
public final class ModemStore {

    private static final Logger LOG = LoggerFactory.getLogger(ModemStore.class);

    /** One received part of a concatenated SMS. */
    public record Part(String sender, int reference, int total, int sequence, String text, Instant sentAt) {
    }

    private final Jdbc jdbc;
    private final Clock clock;

    public ModemStore(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** The parts of {@code smsId} left with these message references; replaces those of an earlier attempt. */
    public void submitted(String modem, long smsId, List<Integer> references, String recipient) {
        Instant now = clock.instant();
        jdbc.tx(c -> {
            Jdbc.update(c, "delete from modem_submit where sms_id = ?", smsId);
            for (int i = 0; i < references.size(); i++) {
                Jdbc.update(c, "insert into modem_submit (modem, sms_id, part, parts, mr, recipient, submitted_at, applied) "
                        + "values (?, ?, ?, ?, ?, ?, ?, false)", modem, smsId, i + 1, references.size(), references.get(i),
                        recipient, now);
            }
            return null;
        });
    }

    /**
     * Records a status report on the newest part sent by {@code modem} with its message reference to the same
     * number (references wrap at 256, so the newest wins). Returns false when nothing matches.
     */
    public boolean report(String modem, StatusReport report) {
        List<long[]> candidates = jdbc.query("select id, sms_id from modem_submit where modem = ? and mr = ? "
                + "and recipient like ? order by submitted_at desc, id desc limit 1", rs -> new long[] {rs.getLong(1),
                rs.getLong(2)}, modem, report.messageReference(), "%" + tail(report.recipient()));
        if (candidates.isEmpty()) {
            LOG.info("Modem {}: status report for reference {} to {} matches no SMS sent", modem,
                    report.messageReference(), org.hermod.outbox.PhoneNumbers.mask(report.recipient()));
            return false;
        }
        jdbc.update("update modem_submit set report_status = ?, report_at = ?, applied = false where id = ?",
                report.status(), clock.instant(), candidates.get(0)[0]);
        return true;
    }

    /**
     * Moves SMS in SENT to DELIVERED when every part has a "delivered" report, or to FAILED with the reason when
     * a part has failed for good. An SMS still in SENDING (its outcome not yet stored) is left for the next call.
     * Returns how many SMS changed.
     */
    public int applyReports(String modem) {
        Map<Long, List<int[]>> bySms = new LinkedHashMap<>();
        jdbc.query("select s.sms_id, s.part, s.parts, s.report_status from modem_submit s where s.sms_id in "
                + "(select sms_id from modem_submit where modem = ? and applied = false and report_status is not null) "
                + "order by s.sms_id, s.part", rs -> bySms.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
                .add(new int[] {rs.getInt(2), rs.getInt(3), rs.getObject(4) == null ? -1 : rs.getInt(4)}), modem);
        int changed = 0;
        Instant now = clock.instant();
        for (Map.Entry<Long, List<int[]>> e : bySms.entrySet()) {
            List<int[]> parts = e.getValue();
            int[] failed = parts.stream().filter(p -> p[2] >= 0x40).findFirst().orElse(null);
            boolean delivered = parts.size() == parts.get(0)[1] && parts.stream().allMatch(p -> p[2] >= 0 && p[2] <= 0x1F);
            if (failed == null && !delivered) {
                continue;
            }
            long id = e.getKey();
            int n = failed != null
                    ? jdbc.update("update sms set status = 'FAILED', done_at = ?, error = ? where id = ? and status = 'SENT'",
                            now, "status report: " + describe(failed[2]) + (parts.size() > 1 ? " (part " + failed[0] + ")" : ""), id)
                    : jdbc.update("update sms set status = 'DELIVERED', done_at = ?, error = null where id = ? and status = 'SENT'",
                            now, id);
            String status = jdbc.query("select status from sms where id = ?", rs -> rs.getString(1), id).stream()
                    .findFirst().orElse("GONE");
            // SENT with nothing changed: the dispatcher stored SENT between our update and this read; next call
            if (n > 0 || !(status.equals("SENDING") || status.equals("SENT"))) {
                jdbc.update("update modem_submit set applied = true where sms_id = ?", id);
            }
            changed += n;
        }
        return changed;
    }

    /**
     * Keeps one part of a concatenated SMS. When that completes the message, returns all its parts in order and
     * forgets them; otherwise returns an empty list. A part seen before (a SIM re-read) changes nothing.
     */
    public List<Part> addPart(String modem, Deliver sms) {
        Deliver.Concat concat = sms.concat();
        Instant sentAt = sms.serviceCentreTime() == null ? null : sms.serviceCentreTime().toInstant();
        return jdbc.tx(c -> {
            boolean known = !Jdbc.query(c, "select seq from modem_inbound_part where modem = ? and sender = ? and ref = ? "
                    + "and total = ? and seq = ?", rs -> 1, modem, sms.originator(), concat.reference(), concat.total(),
                    concat.sequence()).isEmpty();
            if (!known) {
                Jdbc.update(c, "insert into modem_inbound_part (modem, sender, ref, total, seq, text, sent_at, received_at) "
                        + "values (?, ?, ?, ?, ?, ?, ?, ?)", modem, sms.originator(), concat.reference(), concat.total(),
                        concat.sequence(), sms.text(), sentAt, clock.instant());
            }
            List<Part> parts = Jdbc.query(c, "select sender, ref, total, seq, text, sent_at from modem_inbound_part "
                    + "where modem = ? and sender = ? and ref = ? and total = ? order by seq", ModemStore::part, modem,
                    sms.originator(), concat.reference(), concat.total());
            if (parts.size() < concat.total()) {
                return List.of();
            }
            Jdbc.update(c, "delete from modem_inbound_part where modem = ? and sender = ? and ref = ? and total = ?", modem,
                    sms.originator(), concat.reference(), concat.total());
            return parts;
        });
    }

    /** Incomplete messages whose first part came before {@code before}: removed and returned, parts in order. */
    public List<List<Part>> takeIncomplete(String modem, Instant before) {
        return jdbc.tx(c -> {
            Map<String, List<Part>> groups = new LinkedHashMap<>();
            for (Part p : Jdbc.query(c, "select sender, ref, total, seq, text, sent_at from modem_inbound_part p "
                    + "where modem = ? and exists (select 1 from modem_inbound_part q where q.modem = p.modem and "
                    + "q.sender = p.sender and q.ref = p.ref and q.total = p.total and q.received_at < ?) "
                    + "order by sender, ref, total, seq", ModemStore::part, modem, before)) {
                groups.computeIfAbsent(p.sender() + "|" + p.reference() + "|" + p.total(), k -> new ArrayList<>()).add(p);
            }
            for (List<Part> g : groups.values()) {
                Jdbc.update(c, "delete from modem_inbound_part where modem = ? and sender = ? and ref = ? and total = ?",
                        modem, g.get(0).sender(), g.get(0).reference(), g.get(0).total());
            }
            return new ArrayList<>(groups.values());
        });
    }

    private static Part part(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Part(rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getString(5),
                Database.instant(rs, "sent_at"));
    }

    /** The last 8 digits: a report may give the number national or international. */
    static String tail(String number) {
        String digits = number == null ? "" : number.replaceAll("\\D", "");
        return digits.length() <= 8 ? digits : digits.substring(digits.length() - 8);
    }

    /** TP-ST (TS 23.040 9.2.3.15) in words. */
    static String describe(int status) {
        String text = switch (status) {
            case 0x40 -> "remote procedure error";
            case 0x41 -> "incompatible destination";
            case 0x42 -> "connection rejected by SME";
            case 0x43 -> "not obtainable";
            case 0x44, 0x64 -> "quality of service not available";
            case 0x45 -> "no interworking available";
            case 0x46 -> "SM validity period expired";
            case 0x47 -> "SM deleted by originating SME";
            case 0x48 -> "SM deleted by SC administration";
            case 0x49 -> "SM does not exist";
            case 0x60 -> "congestion, SC gave up";
            case 0x61 -> "SME busy, SC gave up";
            case 0x62 -> "no response from SME, SC gave up";
            case 0x63 -> "service rejected, SC gave up";
            case 0x65 -> "error in SME, SC gave up";
            default -> status >= 0x60 ? "temporary error, SC gave up" : "permanent error";
        };
        return String.format("%s (TP-ST 0x%02X)", text, status);
    }
}
