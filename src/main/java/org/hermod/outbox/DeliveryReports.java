package org.hermod.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hermod.db.BulkInsert;
import org.hermod.db.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies provider delivery reports (SMPP receipts, web SMS callbacks) to the outbox, matched as Kannel matches
 * them: by channel, provider message id and recipient ({@link #sameNumber}), because message ids repeat (after an
 * SMSC restart, across the SMSCs behind one channel); among parts that still match, the newest unreported one
 * takes the report. A channel records the ids the provider gave each SMS ({@link #recordParts}); a long SMS
 * sent as several submit_sm has one part per id and is DELIVERED only when every part is, FAILED as soon as
 * one part fails.
 *
 * <p>Nothing is lost to races: a report for an id not yet recorded waits in {@code pending_report} and is
 * applied when the part is recorded (both sides look for the other after they commit, see {@link #applyKept}); a report for an SMS the dispatcher has not yet marked SENT stays on its
 * part and is carried to the SMS by {@link #sent}, which the dispatcher calls after storing its outcomes.
 * Repeated reports change nothing: the first final report of a part wins.
 */
public final class DeliveryReports implements Dispatcher.SentListener {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryReports.class);
    private static final int CHUNK = 500;

    /** The final state a provider reported for one message. */
    public record Report(boolean isDelivered, String reason) {
        public static Report delivered() {
            return new Report(true, null);
        }

        public static Report failed(String reason) {
            return new Report(false, reason);
        }

        String status() {
            return isDelivered ? "DELIVERED" : "FAILED";
        }
    }

    /**
     * One message the provider accepted: part {@code partNo} (1-based) of {@code parts} of SMS {@code smsId}, sent
     * to {@code recipient}.
     */
    public record Part(long smsId, String providerId, int partNo, int parts, String recipient) {
    }

    /**
     * Whether a report's address names the part's recipient: the same digits, or one ending in the other with at
     * least 6 digits (an SMSC may report the national form of the number it was given). An empty address (a report
     * without one) matches any recipient.
     */
    static boolean sameNumber(String recorded, String reported) {
        String a = digits(recorded);
        String b = digits(reported);
        if (a.isEmpty() || b.isEmpty() || a.equals(b)) {
            return true;
        }
        String shorter = a.length() < b.length() ? a : b;
        String longer = shorter == a ? b : a;
        return shorter.length() >= 6 && longer.endsWith(shorter);
    }

    static String digits(String number) {
        String d = number == null ? "" : number.replaceAll("\\D", "");
        return d.startsWith("00") ? d.substring(2) : d;
    }

    /** A recorded part that a report's id found. */
    private record Candidate(long smsId, int partNo, String recipient, String status) {
        Candidate reported(String reportedStatus) {
            return new Candidate(smsId, partNo, recipient, reportedStatus);
        }
    }

    /**
     * Stores the report on the newest unreported part of {@code parts} whose recipient {@code address} names, and
     * marks that part reported in {@code parts} (a later report in the same transaction sees it so); returns that
     * part's SMS, or null when every matching part already had its final report.
     */
    private static Long report(Connection c, String channel, String providerId, List<Candidate> parts, String address,
                               String status, String error, Instant now) throws SQLException {
        for (int i = 0; i < parts.size(); i++) {
            Candidate p = parts.get(i);
            if (p.status() == null && sameNumber(p.recipient(), address) && Jdbc.update(c, "update sms_part set "
                    + "status = ?, error = ?, reported_at = ? where channel = ? and provider_id = ? and sms_id = ? "
                    + "and part_no = ? and status is null", status, error, now, channel, providerId, p.smsId(),
                    p.partNo()) == 1) {
                parts.set(i, p.reported(status));
                return p.smsId();
            }
        }
        return null;
    }

    private final Jdbc jdbc;
    private final Clock clock;
    private final Statistics statistics;

    public DeliveryReports(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.statistics = new Statistics(jdbc);
    }

    /**
     * Keeps PostgreSQL's statistics of {@code sms_part} close to its size. The receipts' lookups are planned with
     * them, and autoanalyze refreshes them only after its first nap (a minute) and then after 10 % of the table
     * changed: a fresh database's first broadcast with receipts looked its receipts up as in an empty table. In
     * SmppBench the first two rounds took 10–15 s to every SMS DELIVERED, 3–4.5 s with {@code sms_part} analyzed
     * after the submits. So after as many parts recorded as the table had at the last analysis (at least 5,000),
     * the recording thread analyzes it, one at a time; on H2 nothing is done (it plans without such statistics).
     */
    private static final class Statistics {
        private static final long MIN_PARTS = 5_000;
        private final Jdbc jdbc;
        private final java.util.concurrent.atomic.AtomicLong since = new java.util.concurrent.atomic.AtomicLong();
        private final java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean();
        private volatile long rowsAtLastAnalysis;
        private volatile Boolean postgres;

        Statistics(Jdbc jdbc) {
            this.jdbc = jdbc;
        }

        void recorded(int parts) {
            if (since.addAndGet(parts) < Math.max(MIN_PARTS, rowsAtLastAnalysis) || !running.compareAndSet(false, true)) {
                return;
            }
            try {
                if (postgres == null) {
                    postgres = jdbc.tx(org.hermod.db.Database::isPostgres);
                }
                if (postgres) {
                    since.set(0);
                    jdbc.update("analyze sms_part");
                    rowsAtLastAnalysis = jdbc.query("select cast(reltuples as bigint) from pg_class where relname = "
                            + "'sms_part'", rs -> rs.getLong(1)).stream().findFirst().orElse(0L);
                }
            } catch (RuntimeException e) {
                LOG.debug("sms_part not analyzed ({}); autoanalyze will", e.toString());
            } finally {
                running.set(false);
            }
        }
    }

    /**
     * Records the provider ids of SMS just accepted (replacing the parts of an earlier attempt) and applies
     * reports that arrived before them.
     */
    public void recordParts(String channel, List<Part> parts) {
        if (parts.isEmpty()) {
            return;
        }
        jdbc.tx(c -> {
            List<Long> smsIds = new ArrayList<>(new LinkedHashSet<>(parts.stream().map(Part::smsId).toList()));
            for (List<Long> chunk : chunks(smsIds)) {
                Jdbc.update(c, "delete from sms_part where sms_id in (" + marks(chunk.size()) + ")", chunk.toArray());
            }
            BulkInsert.insert(c, "sms_part", List.of("channel", "provider_id", "sms_id", "part_no", "parts", "recipient"),
                    parts.stream().map(p -> new Object[] {channel, p.providerId(), p.smsId(), p.partNo(), p.parts(),
                            digits(p.recipient())}).toList());
            return null;
        });
        applyKept(channel, parts.stream().map(Part::providerId).toList());
        statistics.recorded(parts.size());
    }

    /** One report as it came from the provider: for the message {@code providerId} sent to {@code recipient}. */
    public record Incoming(String channel, String providerId, String recipient, Report report) {
    }

    /**
     * Applies one report for the message {@code providerId} sent to {@code recipient} (empty when the report names no
     * address). Returns false when no recorded part matches yet (the report is kept and applied later) or the part
     * already had a final report.
     */
    public boolean apply(String channel, String providerId, String recipient, Report report) {
        return applyAll(List.of(new Incoming(channel, providerId, recipient, report))).get(0);
    }

    /**
     * Applies reports that arrived together in one transaction, as {@link #apply} applies one, in their order (of two
     * for the same part, the first wins); then settles their SMS in one more. Returns for each whether it was applied
     * now. When it returns, every report is stored: on its part, or kept for a part not recorded yet. If it throws,
     * none is.
     */
    public List<Boolean> applyAll(List<Incoming> reports) {
        return applyAll(reports, applied -> { });
    }

    /**
     * {@link #applyAll(List)}, telling {@code stored} as soon as the reports' transaction has committed, before their
     * SMS are settled and kept reports applied: a receiver may acknowledge the reports then (what a crash leaves
     * unsettled, the housekeeping's {@link #settleReported} settles).
     */
    public List<Boolean> applyAll(List<Incoming> reports, java.util.function.Consumer<List<Boolean>> stored) {
        Instant now = clock.instant();
        List<Incoming> kept = new ArrayList<>();
        Set<Long> reported = new LinkedHashSet<>();
        List<Boolean> applied = jdbc.tx(c -> {
            kept.clear();
            reported.clear();
            Map<String, List<Candidate>> recorded = recorded(c, reports);
            List<Boolean> result = new ArrayList<>(reports.size());
            for (Incoming r : reports) {
                String address = digits(r.recipient());
                // look first, then write: an update that finds nothing cannot tell "not recorded yet" from "recorded a
                // moment after the update looked", and the second case must not be taken for a repeated report
                List<Candidate> parts = recorded.getOrDefault(r.channel() + " " + r.providerId(), new ArrayList<>());
                if (parts.stream().noneMatch(p -> sameNumber(p.recipient(), address))) {
                    if (keep(c, r.channel(), r.providerId(), address, r.report(), now)) {
                        kept.add(r);
                    }
                    result.add(false);
                    continue;
                }
                Long smsId = report(c, r.channel(), r.providerId(), parts, address, r.report().status(),
                        truncate(r.report().reason()), now);
                if (smsId != null) { // null: the part already had its final report
                    reported.add(smsId);
                }
                result.add(smsId != null);
            }
            return result;
        });
        stored.accept(applied);
        settleCommitted(reported, now);
        Map<String, List<String>> keptIds = new LinkedHashMap<>();
        kept.forEach(r -> keptIds.computeIfAbsent(r.channel(), k -> new ArrayList<>()).add(r.providerId()));
        if (!keptIds.isEmpty()) {
            keptIds.forEach(this::applyKept);
            LOG.debug("{} reports arrived before their submit responses; kept", kept.size());
        }
        return applied;
    }

    /** The recorded parts with the ids of these reports, by channel and id, newest first. */
    private static Map<String, List<Candidate>> recorded(Connection c, List<Incoming> reports) throws SQLException {
        Map<String, List<Candidate>> byId = new LinkedHashMap<>();
        Map<String, Set<String>> idsByChannel = new LinkedHashMap<>();
        reports.forEach(r -> idsByChannel.computeIfAbsent(r.channel(), k -> new LinkedHashSet<>()).add(r.providerId()));
        for (Map.Entry<String, Set<String>> e : idsByChannel.entrySet()) {
            for (List<String> chunk : chunks(new ArrayList<>(e.getValue()))) {
                List<Object> args = new ArrayList<>(List.of(e.getKey()));
                args.addAll(chunk);
                Jdbc.query(c, "select provider_id, sms_id, part_no, recipient, status from sms_part where channel = ? "
                        + "and provider_id in (" + marks(chunk.size()) + ") order by sms_id desc", rs -> {
                            byId.computeIfAbsent(e.getKey() + " " + rs.getString(1), k -> new ArrayList<>())
                                    .add(new Candidate(rs.getLong(2), rs.getInt(3), rs.getString(4), rs.getString(5)));
                            return null;
                        }, args.toArray());
            }
        }
        return byId;
    }

    /** Keeps a report whose part is not recorded yet; false when the same report is kept already. */
    private static boolean keep(Connection c, String channel, String providerId, String address, Report report,
                                Instant now) throws SQLException {
        boolean pending = !Jdbc.query(c, "select status from pending_report where channel = ? and provider_id = ? "
                + "and recipient = ?", rs -> rs.getString(1), channel, providerId, address).isEmpty();
        if (pending) {
            return false;
        }
        Jdbc.update(c, "insert into pending_report (channel, provider_id, recipient, status, error, received_at) "
                + "values (?, ?, ?, ?, ?, ?)", channel, providerId, address, report.status(), truncate(report.reason()),
                now);
        return true;
    }

    /**
     * Settles SMS whose parts just got a report, in a transaction after the one that stored the report. The
     * dispatcher's {@link #sent} runs after it committed SENT, so whichever of the two commits second sees the
     * other's change and settles the SMS (inside the report's own transaction, SENT committed meanwhile could be
     * missed by both).
     */
    private void settleCommitted(Collection<Long> smsIds, Instant now) {
        if (!smsIds.isEmpty()) {
            jdbc.tx(c -> {
                settle(c, smsIds, now);
                return null;
            });
        }
    }

    /**
     * Applies kept reports whose part is recorded by now, each in a transaction after the one that stored the part
     * or the report. Recording ids and keeping a report both call it once they have committed, so whichever of the
     * two commits second finds the other's row: a report can no longer be kept while its part is being recorded
     * and then be missed by both sides (a plain read inside either transaction cannot see the other's uncommitted
     * row). Returns how many SMS it applied reports to.
     */
    private int applyKept(String channel, List<String> providerIds) {
        Instant now = clock.instant();
        int applied = 0;
        for (List<String> chunk : chunks(providerIds)) {
            List<Object> args = new ArrayList<>(List.of(channel));
            args.addAll(chunk);
            Set<Long> smsIds = jdbc.tx(c -> applyKept(c, " and r.channel = ? and r.provider_id in ("
                    + marks(chunk.size()) + ")", args.toArray(), now));
            settleCommitted(smsIds, now);
            applied += smsIds.size();
        }
        return applied;
    }

    /** Moves kept reports onto their recorded parts; returns the SMS they belong to, to be settled after commit. */
    private static Set<Long> applyKept(Connection c, String where, Object[] args, Instant now) throws SQLException {
        List<String[]> kept = Jdbc.query(c, "select r.channel, r.provider_id, r.recipient, r.status, r.error "
                + "from pending_report r where exists (select 1 from sms_part p where p.channel = r.channel "
                + "and p.provider_id = r.provider_id)" + where, rs -> new String[] {rs.getString(1), rs.getString(2),
                rs.getString(3), rs.getString(4), rs.getString(5)}, args);
        Set<Long> smsIds = new LinkedHashSet<>();
        if (kept.isEmpty()) {
            return smsIds;
        }
        // one read of the parts for all of them, and one batch of deletes: a broadcast keeps thousands of receipts
        // that came before their submit responses were recorded
        Map<String, List<Candidate>> recorded = recorded(c, kept.stream().map(r -> new Incoming(r[0], r[1], r[2],
                new Report("DELIVERED".equals(r[3]), r[4]))).toList());
        try (PreparedStatement delete = c.prepareStatement("delete from pending_report where channel = ? and "
                + "provider_id = ? and recipient = ?")) {
            int deletes = 0;
            for (String[] r : kept) {
                List<Candidate> parts = recorded.getOrDefault(r[0] + " " + r[1], new ArrayList<>());
                if (parts.stream().noneMatch(p -> sameNumber(p.recipient(), r[2]))) {
                    continue; // the id is recorded for another recipient: still waiting for its own part
                }
                Long smsId = report(c, r[0], r[1], parts, r[2], r[3], r[4], now);
                Jdbc.bind(delete, r[0], r[1], r[2]);
                delete.addBatch();
                deletes++;
                if (smsId != null) {
                    smsIds.add(smsId);
                }
            }
            if (deletes > 0) {
                delete.executeBatch();
            }
        }
        LOG.debug("{} early reports applied", smsIds.size());
        return smsIds;
    }

    /** Called by the dispatcher after it stored SENT for these SMS: reports that came early are applied now. */
    @Override
    public void sent(String channel, List<Long> smsIds) {
        if (smsIds.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        jdbc.tx(c -> {
            for (List<Long> chunk : chunks(smsIds)) {
                settle(c, chunk, now);
            }
            return null;
        });
    }

    /**
     * Settles SENT SMS whose parts already carry a report. Normally {@link #apply} or {@link #sent} does it, after
     * their commits; this catches what a crash between such a commit and its settle left, run by the outbox
     * housekeeping job, which first applies kept reports whose part was recorded meanwhile (a crash between the
     * commit and {@link #applyKept}). Returns how many SMS it looked at.
     */
    public int settleReported() {
        Instant at = clock.instant();
        Set<Long> kept = jdbc.tx(c -> applyKept(c, " order by r.received_at limit " + CHUNK, new Object[0], at));
        settleCommitted(kept, at);
        if (!kept.isEmpty()) {
            LOG.info("Housekeeping applied kept delivery reports of {} SMS whose ids were recorded since", kept.size());
        }
        List<Long> ids = jdbc.query("select distinct p.sms_id from sms_part p join sms s on s.id = p.sms_id "
                + "where s.status = 'SENT' and p.status is not null order by p.sms_id limit " + CHUNK, rs -> rs.getLong(1));
        settleCommitted(ids, clock.instant());
        return ids.size();
    }

    private record PartState(long smsId, int partNo, int parts, String status, String error) {
    }

    /** Moves SENT SMS whose parts are all reported to DELIVERED, or to FAILED when a part failed. */
    private static void settle(Connection c, Collection<Long> smsIds, Instant now) throws SQLException {
        if (smsIds.isEmpty()) {
            return;
        }
        List<PartState> states = Jdbc.query(c, "select p.sms_id, p.part_no, p.parts, p.status, p.error from sms_part p "
                + "join sms s on s.id = p.sms_id where s.status = 'SENT' and p.status is not null and p.sms_id in ("
                + marks(smsIds.size()) + ")", rs -> new PartState(rs.getLong(1), rs.getInt(2), rs.getInt(3),
                rs.getString(4), rs.getString(5)), smsIds.toArray());
        Map<Long, List<PartState>> bySms = new LinkedHashMap<>();
        states.forEach(s -> bySms.computeIfAbsent(s.smsId(), k -> new ArrayList<>()).add(s));
        for (Map.Entry<Long, List<PartState>> e : bySms.entrySet()) {
            List<PartState> parts = e.getValue();
            PartState failed = parts.stream().filter(p -> "FAILED".equals(p.status())).findFirst().orElse(null);
            if (failed != null) {
                String why = failed.parts() > 1 ? "part " + failed.partNo() + "/" + failed.parts() + ": " + failed.error()
                        : failed.error();
                Jdbc.update(c, "update sms set status = 'FAILED', done_at = ?, error = ? where id = ? and status = 'SENT'",
                        now, truncate(why), e.getKey());
            } else if (parts.size() == parts.get(0).parts()) {
                Jdbc.update(c, "update sms set status = 'DELIVERED', done_at = ? where id = ? and status = 'SENT'",
                        now, e.getKey());
            }
        }
    }

    private static String marks(int n) {
        return String.join(",", java.util.Collections.nCopies(n, "?"));
    }

    private static <T> List<List<T>> chunks(List<T> all) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i += CHUNK) {
            out.add(all.subList(i, Math.min(all.size(), i + CHUNK)));
        }
        return out;
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 1000 ? s : s.substring(0, 1000);
    }

    /**
     * Drops kept reports older than {@code keep}: a receipt comes at most seconds before the submit response of
     * its id, so one kept this long is for an id Hermod never recorded (another system's message on a shared
     * account, an SMSC that restarted its ids). Each drop is logged with its channel and id. Run by the outbox
     * housekeeping with {@code hermod.outbox.unmatched-report-keep}. Returns how many it dropped.
     */
    public int expireKept(java.time.Duration keep) {
        Instant before = clock.instant().minus(keep);
        return jdbc.tx(c -> {
            List<String[]> old = Jdbc.query(c, "select channel, provider_id from pending_report where received_at < ?",
                    rs -> new String[] {rs.getString(1), rs.getString(2)}, before);
            for (String[] r : old) {
                LOG.warn("Delivery report for message id {} on {} matched no SMS within {} and is dropped", r[1], r[0],
                        keep);
            }
            return old.isEmpty() ? 0 : Jdbc.update(c, "delete from pending_report where received_at < ?", before);
        });
    }

    /** For tests and the API: how many reports wait for their submit response. */
    public long pending() {
        return jdbc.query("select count(*) from pending_report", rs -> rs.getLong(1)).get(0);
    }
}
