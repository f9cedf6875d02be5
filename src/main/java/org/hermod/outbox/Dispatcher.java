package org.hermod.outbox;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.hermod.channel.Handover;
import org.hermod.channel.OutgoingSms;
import org.hermod.channel.SendOutcome;
import org.hermod.channel.SmsChannel;
import org.hermod.db.Database;
import org.hermod.db.Jdbc;
import org.hermod.sms.SmsText;
import org.hermod.tenant.Tenants;
import org.hermod.tenant.Tenants.Tenant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims queued SMS in batches and sends them through their channel. The claim is one statement with
 * {@code FOR UPDATE SKIP LOCKED}, so several Hermod processes on one database never claim the same SMS;
 * outcomes are written back in one JDBC batch (the SENT ones, on PostgreSQL, in one statement). Expiry (max age, send-before) and quiet hours are checked
 * on every attempt, after the claim and before the channel.
 *
 * <p>A claim is a lease: the process renews it ({@link #renewLease}) while it lives, so a slow or hung channel
 * never has its batch taken from it. Before a channel puts an SMS on the wire it marks it as handed over
 * ({@link Handover}, table {@code sms_handover}, a row per chunk of a claim); an SMPP channel marks half a window at
 * a time. If the process dies, its SENDING SMS wait until its lease has not been renewed for the claim timeout; then
 * those never handed over are queued again (they did not leave), and only the handed-over ones are in doubt: resent
 * or marked UNKNOWN as {@code hermod.outbox.in-doubt} says. The handed-over SMS bound the possible duplicates.
 */
public final class Dispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final AtomicLong CLAIMS = new AtomicLong();
    /** SMS ids per {@code sms_handover} row: 300 ids of up to 12 digits fit its 4,000 characters. */
    private static final int HANDOVER_ROW = 300;
    /** SQL: the SMS row {@code sms} was handed over under its current claim. */
    private static final String HANDED = "exists (select 1 from sms_handover h where h.claim = sms.claimed_by "
            + "and h.ids like '%,' || cast(sms.id as varchar(20)) || ',%')";

    private final Jdbc jdbc;
    private final Clock clock;
    private final OutboxSettings settings;
    private final Tenants tenants;
    private final Map<String, SmsChannel> channels;
    private final OutboxMetrics metrics;
    private final String instanceId;
    private final SealedText sealed;
    private final List<SentListener> sentListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ChannelHealth health = new ChannelHealth();

    /** Told which SMS were just stored as SENT (delivery reports that arrived early are applied then). */
    public interface SentListener {
        void sent(String channel, List<Long> smsIds);
    }

    public Dispatcher(Jdbc jdbc, Clock clock, OutboxSettings settings, Tenants tenants, Map<String, SmsChannel> channels,
                      OutboxMetrics metrics, String instanceId, SealedText sealed) {
        this.sealed = sealed;
        this.jdbc = jdbc;
        this.clock = clock;
        this.settings = settings;
        this.tenants = tenants;
        this.channels = channels;
        this.metrics = metrics;
        this.instanceId = instanceId;
    }

    /** How each channel's recent batches went, for its health check. */
    public ChannelHealth health() {
        return health;
    }

    public void addSentListener(SentListener listener) {
        sentListeners.add(listener);
    }

    /**
     * Sends what is due on one channel, batch after batch, until nothing is due. {@code tenantFilter} is the
     * job's tenant list (comma separated, empty for all). Returns how many SMS were handled.
     */
    public int dispatch(String channelName, String tenantFilter) {
        SmsChannel channel = channels.get(channelName);
        if (channel == null) {
            throw new IllegalArgumentException("No SMS channel named '" + channelName + "'");
        }
        if (!channel.ready()) {
            LOG.debug("Channel {} is not ready (link down); its SMS stay queued", channelName);
            return 0;
        }
        List<String> onlyTenants = tenantFilter == null || tenantFilter.isBlank() ? List.of()
                : List.of(tenantFilter.split("\\s*,\\s*"));
        Map<String, Tenant> tenantSettings = tenants.all();
        int handled = 0;
        long started = System.nanoTime();
        Run run = new Run();
        while (channel.ready()) { // checked before every batch: a link lost mid-broadcast leaves the rest queued
            String token = instanceId + "-" + CLAIMS.incrementAndGet();
            long claiming = System.nanoTime();
            List<Claimed> batch = claim(channelName, onlyTenants, token, Math.min(settings.batchSize(), channel.maxBatch()));
            if (batch.isEmpty()) {
                break;
            }
            handled += process(channel, batch, token, tenantSettings, handled, started, run, claiming);
        }
        if (run.transientFailures > 0 && run.answered == 0) {
            // an outage: fail the job run so it is in the error log and the job's statistics (and mailed once)
            throw new ChannelOutage("Channel " + channelName + ": none of " + run.transientFailures + " SMS could be "
                    + "sent in this run; they are retried with backoff. Last error: " + run.lastError);
        }
        if (run.transientFailures > 0) {
            LOG.warn("Channel {}: {} SMS not sent this time, retried with backoff ({} went through); last error: {}",
                    channelName, run.transientFailures, run.answered, run.lastError);
        }
        return handled;
    }

    /** What one dispatch run saw: SMS the channel answered (sent or refused for good) and transient failures. */
    private static final class Run {
        int answered;
        int transientFailures;
        String lastError;
    }

    /** A dispatch run in which the channel sent nothing and only failed for transient reasons. */
    public static final class ChannelOutage extends RuntimeException {
        ChannelOutage(String message) {
            super(message);
        }
    }

    private record Claimed(long id, String tenant, String recipient, String text, int priority, Instant createdAt,
                           Instant sendBefore, int attempts) {
    }

    /**
     * Locks the due SMS with a select and then claims exactly those by id. The one-statement form, {@code update
     * … where id in (select … for update skip locked)}, is planned by H2 as a per-row subquery: 10,000 queued SMS
     * took more than ten minutes to claim there. Locking first costs one more round trip on PostgreSQL and keeps
     * the claim proportional to the batch on both.
     */
    private List<Claimed> claim(String channel, List<String> onlyTenants, String token, int batchSize) {
        Instant now = clock.instant();
        String tenantClause = onlyTenants.isEmpty() ? ""
                : " and tenant_id in (" + String.join(",", onlyTenants.stream().map(t -> "?").toList()) + ")";
        List<Object> args = new ArrayList<>(List.of(channel, now));
        args.addAll(onlyTenants);
        args.add(batchSize);
        return jdbc.tx(c -> {
            List<Claimed> due = Jdbc.query(c, "select id, tenant_id, recipient, text, priority, created_at, "
                    + "send_before, attempts from sms where status = 'QUEUED' and channel = ? and next_attempt_at <= ?"
                    + tenantClause + " order by priority, next_attempt_at, id limit ? for update skip locked",
                    rs -> new Claimed(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                            Database.instant(rs, "created_at"), Database.instant(rs, "send_before"), rs.getInt(8) + 1),
                    args.toArray());
            if (due.isEmpty()) {
                return List.of();
            }
            // one statement for the batch: a JDBC batch of 1,000 single-row updates cost PostgreSQL 1,000 executions
            Jdbc.update(c, "update sms set status = 'SENDING', claimed_by = ?, claim_owner = ?, claimed_at = ?, "
                    + "attempts = attempts + 1 where id = any(?)", token, instanceId, now,
                    c.createArrayOf("bigint", due.stream().map(Claimed::id).toArray()));
            return due;
        });
    }

    private int process(SmsChannel channel, List<Claimed> batch, String token, Map<String, Tenant> tenantSettings,
                        int handledBefore, long startedNanos, Run run, long claimingNanos) {
        long claimedNanos = System.nanoTime();
        Instant now = clock.instant();
        Instant oldest = now.minus(settings.maxAge());
        List<Update> updates = new ArrayList<>(batch.size());
        List<OutgoingSms> toSend = new ArrayList<>(batch.size());
        Map<Long, Claimed> byId = new java.util.HashMap<>();
        for (Claimed sms : batch) {
            byId.put(sms.id(), sms);
            Tenant tenant = tenantSettings.get(sms.tenant());
            Instant allowed = sms.priority() == Priority.EMERGENCY.ordinal() || tenant == null ? now
                    : tenant.quietHours().nextAllowed(now);
            if (sms.createdAt().isBefore(oldest)) {
                updates.add(Update.done(sms.id(), SmsStatus.EXPIRED, now, maxAgeReason()));
            } else if (sms.sendBefore() != null && now.isAfter(sms.sendBefore())) {
                updates.add(Update.done(sms.id(), SmsStatus.EXPIRED, now, "not sent: send-before " + sms.sendBefore()
                        + " passed"));
            } else if (allowed.isAfter(now)) {
                updates.add(Update.postpone(sms.id(), allowed, null, true));
            } else {
                try {
                    toSend.add(new OutgoingSms(sms.id(), sms.tenant(), sms.recipient(), SmsText.of(sealed.open(sms.text())),
                            sms.priority()));
                } catch (IllegalStateException e) {
                    updates.add(Update.done(sms.id(), SmsStatus.FAILED, now, "not sent: its text is " + e.getMessage()));
                }
            }
        }
        throttle(handledBefore + toSend.size(), startedNanos);
        int sent = 0;
        int failed = 0;
        int answered = 0;
        int transientFailures = 0;
        List<Long> sentIds = new ArrayList<>();
        java.util.Set<Long> storedEarly = java.util.concurrent.ConcurrentHashMap.newKeySet();
        for (SendOutcome outcome : sendSafely(channel, toSend, handover(token, byId, now, storedEarly))) {
            Update update = update(outcome, byId.get(outcome.id()), now);
            updates.add(update);
            if (update.status() == SmsStatus.SENT) {
                sentIds.add(outcome.id());
                sent++;
            } else if (update.status() == SmsStatus.FAILED) {
                failed++;
            }
            switch (outcome.result()) {
                case SENT, FAILED -> answered++;
                case RETRY, IN_DOUBT -> {
                    transientFailures++;
                    run.lastError = outcome.error();
                }
                case NOT_SENT -> { }
            }
        }
        run.answered += answered;
        run.transientFailures += transientFailures;
        health.batch(channel.name(), answered, transientFailures, run.lastError, now);
        long sentNanos = System.nanoTime();
        // what the handover already committed is not written again (it no longer carries the token anyway)
        store(storedEarly.isEmpty() ? updates : updates.stream().filter(u -> !storedEarly.contains(u.id())).toList(), token);
        for (SentListener listener : sentListeners) {
            try {
                listener.sent(channel.name(), sentIds);
            } catch (RuntimeException e) {
                LOG.error("After storing SENT on {}: {}", channel.name(), e.toString());
            }
        }
        metrics.sent(channel.name(), sent);
        metrics.failed(channel.name(), failed);
        if (LOG.isDebugEnabled()) {
            long done = System.nanoTime();
            LOG.debug("Channel {}: batch of {} claimed in {} ms, through the channel in {} ms, stored in {} ms; {} sent, "
                    + "{} failed", channel.name(), batch.size(), (claimedNanos - claimingNanos) / 1_000_000,
                    (sentNanos - claimedNanos) / 1_000_000, (done - sentNanos) / 1_000_000, sent, failed);
        }
        return batch.size();
    }

    /** What a channel's outcome makes of the SMS: its next status, error and attempt count. */
    private Update update(SendOutcome outcome, Claimed sms, Instant now) {
        Update update = switch (outcome.result()) {
            case SENT -> Update.sent(outcome.id(), now, outcome.providerId());
            case FAILED -> Update.done(outcome.id(), SmsStatus.FAILED, now, outcome.error());
            case NOT_SENT -> Update.postpone(outcome.id(), now.plus(settings.retryBackoff()), outcome.error(), true);
            case IN_DOUBT -> settings.inDoubt() == OutboxSettings.InDoubt.UNKNOWN || sms.attempts() >= settings.maxAttempts()
                    ? Update.done(outcome.id(), SmsStatus.UNKNOWN, now, "in doubt: " + outcome.error()
                            + "; may or may not have been sent, not resent")
                    : Update.postpone(outcome.id(), now.plus(settings.backoff(sms.attempts())), "in doubt: "
                            + outcome.error() + "; queued again, may arrive twice", false);
            case RETRY -> sms.attempts() >= settings.maxAttempts()
                    ? Update.done(outcome.id(), SmsStatus.FAILED, now, "gave up after " + sms.attempts() + " attempts: "
                            + outcome.error())
                    : Update.postpone(outcome.id(), now.plus(settings.backoff(sms.attempts())), outcome.error(), false);
        };
        return update.as(outcome.result().name());
    }

    /**
     * Records for the claim {@code token}, in one commit, the SMS a channel is about to hand over and the outcomes that
     * came back since its last call, so that neither waits for the whole batch: after a crash only SMS on the wire or
     * answered within the last window are in doubt. The ids of outcomes it committed go into {@code stored}, and the
     * batch's own store at its end skips them (a failed record adds none, so its outcomes are stored then). A mark
     * that cannot be stored stops those SMS from being sent: nothing may leave that a crash would not find in doubt.
     */
    private Handover handover(String token, Map<Long, Claimed> batch, Instant now, java.util.Set<Long> stored) {
        return (handing, answered) -> {
            try {
                jdbc.tx(c -> {
                    if (!handing.isEmpty()) {
                        try (PreparedStatement ps = c.prepareStatement("insert into sms_handover (claim, ids) values (?, ?)")) {
                            for (int i = 0; i < handing.size(); i += HANDOVER_ROW) {
                                List<Long> part = handing.subList(i, Math.min(handing.size(), i + HANDOVER_ROW));
                                Jdbc.bind(ps, token, "," + String.join(",", part.stream().map(String::valueOf).toList()) + ",");
                                ps.addBatch();
                            }
                            ps.executeBatch();
                        }
                    }
                    store(c, answered.stream().map(o -> update(o, batch.get(o.id()), now)).toList(), token, now);
                    return null;
                });
                answered.forEach(o -> stored.add(o.id()));
            } catch (RuntimeException e) {
                throw new Handover.Failed("could not mark " + handing.size() + " SMS as handed over: " + e.getMessage(), e);
            }
        };
    }

    /** A channel that throws must not leave its batch in SENDING: every SMS of it is retried. */
    private static List<SendOutcome> sendSafely(SmsChannel channel, List<OutgoingSms> toSend, Handover handover) {
        if (toSend.isEmpty()) {
            return List.of();
        }
        try {
            List<SendOutcome> outcomes = channel.send(toSend, handover);
            if (outcomes.size() == toSend.size()) {
                return outcomes;
            }
            LOG.error("Channel {} returned {} outcomes for {} SMS; retrying those without one", channel.name(),
                    outcomes.size(), toSend.size());
            java.util.Set<Long> seen = new java.util.HashSet<>();
            List<SendOutcome> all = new ArrayList<>(outcomes);
            outcomes.forEach(o -> seen.add(o.id()));
            toSend.stream().filter(s -> !seen.contains(s.id()))
                    .forEach(s -> all.add(SendOutcome.retry(s.id(), "channel gave no outcome")));
            return all;
        } catch (Handover.Failed e) {
            LOG.error("Channel {}: {}; the batch of {} stays queued", channel.name(), e.getMessage(), toSend.size());
            return toSend.stream().map(s -> SendOutcome.notSent(s.id(), "not handed over: " + e.getMessage())).toList();
        } catch (RuntimeException e) {
            LOG.error("Channel {} failed on a batch of {}: {}", channel.name(), toSend.size(), e.toString());
            return toSend.stream().map(s -> SendOutcome.retry(s.id(), "channel error: " + e.getMessage())).toList();
        }
    }

    /** An SMS's next state; {@code outcome} is what its history records (the channel's answer, or the status). */
    private record Update(long id, SmsStatus status, Instant sentAt, String providerId, String error,
                          Instant nextAttemptAt, Instant doneAt, int attemptCorrection, String outcome) {
        static Update sent(long id, Instant at, String providerId) {
            return new Update(id, SmsStatus.SENT, at, providerId, null, null, null, 0, "SENT");
        }

        static Update done(long id, SmsStatus status, Instant at, String error) {
            return new Update(id, status, null, null, error, null, at, 0, status.name());
        }

        /** Back to the queue; a quiet-hours postponement or an SMS that never left does not count as an attempt. */
        static Update postpone(long id, Instant next, String error, boolean notAnAttempt) {
            return new Update(id, SmsStatus.QUEUED, null, null, error, next, null, notAnAttempt ? -1 : 0, "QUEUED");
        }

        Update as(String outcome) {
            return new Update(id, status, sentAt, providerId, error, nextAttemptAt, doneAt, attemptCorrection, outcome);
        }
    }

    /** Stores the batch's outcomes and drops its handover rows: nothing of the claim is in flight any more. */
    private void store(List<Update> updates, String token) {
        Instant at = clock.instant();
        jdbc.tx(c -> {
            store(c, updates, token, at);
            Jdbc.update(c, "delete from sms_handover where claim = ?", token);
            return null;
        });
    }

    /**
     * Writes outcomes of the claim {@code token}; an SMS whose outcome is already stored no longer carries the token
     * and is left as it is. An outcome with an error also goes into the SMS's history ({@code sms_attempt}); SENT
     * clears the SMS's own error, so a delivered SMS does not show an earlier attempt's.
     */
    private static void store(java.sql.Connection c, List<Update> updates, String token, Instant at) throws SQLException {
        if (updates.isEmpty()) {
            return;
        }
        if (Database.isPostgres(c)) {
            List<Update> sent = updates.stream().filter(u -> u.status() == SmsStatus.SENT).toList();
            storeSent(c, sent, token);
            if (sent.size() == updates.size()) {
                return;
            }
            updates = updates.stream().filter(u -> u.status() != SmsStatus.SENT).toList();
        }
        try (PreparedStatement ps = c.prepareStatement("insert into sms_attempt (sms_id, attempt, at, channel, outcome, "
                + "error) select id, attempts, ?, channel, ?, ? from sms where id = ? and claimed_by = ?")) {
            int n = 0;
            for (Update u : updates) {
                if (u.error() != null) {
                    Jdbc.bind(ps, at, u.outcome(), truncate(u.error()), u.id(), token);
                    ps.addBatch();
                    n++;
                }
            }
            if (n > 0) {
                ps.executeBatch();
            }
        }
        try (PreparedStatement ps = c.prepareStatement("update sms set status = ?, sent_at = coalesce(?, sent_at), "
                + "provider_id = coalesce(?, provider_id), error = case when ? then null else coalesce(?, error) end, "
                + "next_attempt_at = coalesce(?, next_attempt_at), done_at = ?, attempts = attempts + ?, claimed_by = null, "
                + "claimed_at = null where id = ? and claimed_by = ?")) {
            for (Update u : updates) {
                ps.setString(1, u.status().name());
                setTimestamp(ps, 2, u.sentAt());
                ps.setString(3, u.providerId());
                ps.setBoolean(4, u.status() == SmsStatus.SENT);
                ps.setString(5, u.error() == null ? null : truncate(u.error()));
                setTimestamp(ps, 6, u.nextAttemptAt());
                setTimestamp(ps, 7, u.doneAt());
                ps.setInt(8, u.attemptCorrection());
                ps.setLong(9, u.id());
                ps.setString(10, token);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * SENT outcomes, the bulk of every batch, in one statement on PostgreSQL: they differ only in the provider id, so
     * the ids and provider ids go as two arrays. The same as the general update for SENT: no error, not done, the
     * claim cleared; no history row (SENT has no error).
     */
    private static void storeSent(java.sql.Connection c, List<Update> sent, String token) throws SQLException {
        // one statement per sending time; a batch's outcomes all have the same one
        for (List<Update> same : sent.stream().collect(java.util.stream.Collectors.groupingBy(Update::sentAt,
                java.util.LinkedHashMap::new, java.util.stream.Collectors.toList())).values()) {
            Jdbc.update(c, "update sms set status = 'SENT', sent_at = ?, provider_id = coalesce(v.provider_id, "
                    + "sms.provider_id), error = null, done_at = null, claimed_by = null, claimed_at = null "
                    + "from unnest(?::bigint[], ?::varchar[]) as v(id, provider_id) where sms.id = v.id and sms.claimed_by = ?",
                    same.get(0).sentAt(), c.createArrayOf("bigint", same.stream().map(Update::id).toArray()),
                    c.createArrayOf("varchar", same.stream().map(Update::providerId).toArray()), token);
        }
    }

    private static void setTimestamp(PreparedStatement ps, int index, Instant instant) throws SQLException {
        if (instant == null) {
            ps.setNull(index, Types.TIMESTAMP);
        } else {
            ps.setObject(index, Database.ts(instant), Types.TIMESTAMP);
        }
    }

    private static String truncate(String s) {
        return s.length() <= 1000 ? s : s.substring(0, 1000);
    }

    /** With {@code hermod.outbox.max-rate}, waits (holding the claimed batch) until the batch may go. */
    private void throttle(int handled, long startedNanos) {
        if (settings.maxRatePerSecond() <= 0) {
            return;
        }
        long dueNanos = handled * 1_000_000_000L / settings.maxRatePerSecond();
        long waitMillis = (dueNanos - (System.nanoTime() - startedNanos)) / 1_000_000;
        if (waitMillis > 0) {
            try {
                Thread.sleep(waitMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Renews this process's lease on its claims ({@code outbox_owner}); the {@code outbox-lease} route calls it on
     * a timer thread of its own, so a dispatcher blocked in a hung channel does not stop it.
     */
    public void renewLease() {
        Instant now = clock.instant();
        if (jdbc.update("update outbox_owner set renewed_at = ? where instance_id = ?", now, instanceId) == 0) {
            jdbc.update("insert into outbox_owner (instance_id, started_at, renewed_at) values (?, ?, ?)",
                    instanceId, now, now);
        }
    }

    /**
     * SMS still in SENDING whose claiming process stopped renewing its lease for longer than the claim timeout (it
     * died, or lost the database that long). Those it never handed to the channel did not leave: they are queued
     * again, the attempt not counted. Those it had handed over may or may not have left: depending on
     * {@code hermod.outbox.in-doubt} they are queued again or marked UNKNOWN. Either way the reason is written into
     * the SMS and logged. A live process's claims are never taken, however slow its channel.
     */
    public int recoverInDoubt() {
        Instant now = clock.instant();
        Instant staleBefore = now.minus(settings.claimTimeout());
        String dead = " and status = 'SENDING' and claimed_at < ? and (claim_owner is null or claim_owner not in "
                + "(select instance_id from outbox_owner where renewed_at >= ?))";
        boolean resend = settings.inDoubt() == OutboxSettings.InDoubt.RESEND;
        String notHandedWhy = "claimed by a process that stopped renewing its claim before it handed the SMS to the "
                + "channel: queued again, it had not left";
        String handedWhy = "in doubt: handed to the channel by a process that then stopped renewing its claim (it died, "
                + "or lost the database for longer than hermod.outbox.claim-timeout): " + (resend
                ? "queued again, may arrive twice" : "may or may not have been sent; not resent");
        int[] n = jdbc.tx(c -> {
            Jdbc.update(c, "insert into sms_attempt (sms_id, attempt, at, channel, outcome, error) select id, attempts, "
                    + "?, channel, case when " + HANDED + " then 'IN_DOUBT' else 'NOT_SENT' end, case when " + HANDED
                    + " then ? else ? end from sms where 1 = 1" + dead, now, handedWhy, notHandedWhy, staleBefore, staleBefore);
            // the handed ones first: the others' update clears claimed_by, which HANDED reads
            int handed = Jdbc.update(c, "update sms set status = ?, claimed_by = null, claimed_at = null, "
                    + "next_attempt_at = ?, done_at = ?, error = ? where " + HANDED + dead, resend ? "QUEUED" : "UNKNOWN",
                    now, resend ? null : now, handedWhy, staleBefore, staleBefore);
            int notHanded = Jdbc.update(c, "update sms set status = 'QUEUED', claimed_by = null, claimed_at = null, "
                    + "next_attempt_at = ?, attempts = attempts - 1, error = ? where not " + HANDED + dead, now,
                    notHandedWhy, staleBefore, staleBefore);
            Jdbc.update(c, "delete from sms_handover where claim not in (select claimed_by from sms where status = "
                    + "'SENDING' and claimed_by is not null)");
            return new int[] {notHanded, handed};
        });
        if (n[0] + n[1] > 0) {
            LOG.warn("{} SMS were in SENDING when their process stopped renewing its claim: {} had not been handed to "
                    + "the channel and are queued again; {} had been and are {}", n[0] + n[1], n[0], n[1],
                    resend ? "queued again (in doubt)" : "marked UNKNOWN");
        }
        jdbc.update("delete from outbox_owner where renewed_at < ? and instance_id not in (select claim_owner from sms "
                + "where status = 'SENDING' and claim_owner is not null)", staleBefore);
        return n[0] + n[1];
    }

    /** Queued SMS past their max age or send-before become EXPIRED even when their channel is down. */
    public int expire() {
        Instant now = clock.instant();
        return jdbc.update("update sms set status = 'EXPIRED', done_at = ?, error = ? where status = 'QUEUED' "
                + "and created_at < ?", now, maxAgeReason(), now.minus(settings.maxAge()))
                + jdbc.update("update sms set status = 'EXPIRED', done_at = ?, error = 'not sent: its send-before time "
                + "passed' where status = 'QUEUED' and send_before < ?", now, now);
    }

    private String maxAgeReason() {
        return "not sent: older than " + settings.maxAge().toDays() + " days (hermod.outbox.max-age)";
    }
}
