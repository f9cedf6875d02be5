package org.hermod.modem;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.hermod.db.Database;
import org.hermod.db.Jdbc;
import org.hermod.inbound.InboundParts;
import org.hermod.sms.Deliver;
import org.hermod.sms.StatusReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The modems' own tables: the message reference of every part sent, to match status reports ({@code modem_submit},
 * V20__modem.sql), and the PINs a SIM refused ({@code modem_refused_pin}, V44). Parts of concatenated SMS received
 * so far are kept by the shared {@link InboundParts}.
 */
public final class ModemStore implements ModemConnection.RefusedPins {

    private static final Logger LOG = LoggerFactory.getLogger(ModemStore.class);
    private static final SecureRandom SALTS = new SecureRandom();

    private final Jdbc jdbc;
    private final Clock clock;
    private final InboundParts parts;

    public ModemStore(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.parts = new InboundParts(jdbc, clock);
    }

    /** Where the parts of concatenated inbound SMS wait (shared with the other channels). */
    public InboundParts parts() {
        return parts;
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
     * SMS of {@code modem} still in SENT whose last part was sent more than {@code timeout} ago without a final status
     * report (none, or only "SC still trying") become NO_REPORT, final; their pending {@code modem_submit} rows are
     * removed, so a report that comes later matches nothing. Returns how many SMS changed.
     */
    public int expireReports(String modem, Duration timeout) {
        Instant now = clock.instant();
        Instant before = now.minus(timeout);
        String reason = "sent, but no status report came within " + timeout.toString().substring(2).toLowerCase(Locale.ROOT)
                + " (report-timeout of modem " + modem + ")";
        List<Long> pending = jdbc.query("select sms_id from modem_submit where modem = ? and applied = false "
                + "group by sms_id having max(submitted_at) < ?", rs -> rs.getLong(1), modem, before);
        int changed = 0;
        for (long id : pending) {
            changed += jdbc.tx(c -> {
                int n = Jdbc.update(c, "update sms set status = 'NO_REPORT', done_at = ?, error = ? where id = ? "
                        + "and status = 'SENT'", now, reason, id);
                Jdbc.update(c, "delete from modem_submit where sms_id = ? and submitted_at < ?", id, before);
                return n;
            });
        }
        if (changed > 0) {
            LOG.info("Modem {}: {} SMS had no status report within {}: NO_REPORT", modem, changed, timeout);
        }
        return changed;
    }

    @Override
    public boolean refused(String modem, String pin) {
        return jdbc.query("select salt, fingerprint from modem_refused_pin where modem = ?",
                rs -> fingerprint(rs.getString(1), pin).equals(rs.getString(2)), modem).contains(true);
    }

    @Override
    public void refuse(String modem, String pin, String answer) {
        byte[] random = new byte[16];
        SALTS.nextBytes(random);
        String salt = HexFormat.of().formatHex(random);
        jdbc.update("insert into modem_refused_pin (modem, salt, fingerprint, answer, refused_at) values (?, ?, ?, ?, ?)",
                modem, salt, fingerprint(salt, pin), answer.length() > 200 ? answer.substring(0, 200) : answer,
                clock.instant());
    }

    private static String fingerprint(String salt, String pin) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest((salt + ":" + pin).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
