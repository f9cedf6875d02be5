package org.hermod.password;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.hermod.db.Jdbc;
import org.hermod.jobs.ErrorLog;
import org.hermod.outbox.Priority;
import org.hermod.tenant.Tenants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The welcome SMS (issue 5): a user an SIS import created with an account and a mobile number is flagged
 * {@code welcome_due} in the import's transaction; this sends each flagged user one SMS with a temporary password
 * and clears the flag ({@code welcomed_at}) in one transaction. Run right after each import and on a timer, so a
 * process that dies between the import and the SMS sends it after the restart; never twice, since the flag is
 * cleared with a conditional update in the transaction that queues the SMS.
 */
public final class WelcomeSms {

    private static final Logger LOG = LoggerFactory.getLogger(WelcomeSms.class);
    public static final String REQUESTED_BY = "welcome";
    public static final String TEMPLATE = "welcome";
    /** The route that sends them; failures are recorded in the error log under this job. */
    public static final String JOB = "password-welcome";
    public static final Duration MAX_RETRY_DELAY = Duration.ofHours(6);

    private record Due(TemporaryPasswords.User user, LocalDate endDate, int attempts) {
    }

    private final Jdbc jdbc;
    private final Clock clock;
    private final Tenants tenants;
    private final TemporaryPasswords passwords;
    private final TemporaryPasswords.Flow flow;
    private final int batchSize;
    private final Duration retryAfter;
    private final ErrorLog errorLog;

    /**
     * @param retryAfter the delay before a failed welcome is tried again; it doubles with each failure, up to
     *                   {@link #MAX_RETRY_DELAY}
     * @param errorLog   where each failure is recorded (job {@value #JOB}), so that operators see it
     */
    public WelcomeSms(Jdbc jdbc, Clock clock, Tenants tenants, TemporaryPasswords passwords, String defaultText,
                      int batchSize, Duration retryAfter, ErrorLog errorLog) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.tenants = tenants;
        this.passwords = passwords;
        this.flow = new TemporaryPasswords.Flow(REQUESTED_BY, TEMPLATE, defaultText, Priority.NORMAL);
        this.batchSize = batchSize;
        this.retryAfter = retryAfter;
        this.errorLog = errorLog;
    }

    /** Its SMS: requested by {@value #REQUESTED_BY}, the tenant's template {@value #TEMPLATE}, priority NORMAL. */
    public TemporaryPasswords.Flow flow() {
        return flow;
    }

    /**
     * Queues the welcome SMS of every user due (at most one batch). A user who cannot get it now (the directory
     * of record refuses, the number is no longer valid) stays due, is recorded in the error log, and is tried again
     * after {@code retryAfter}, doubling with each failure up to {@link #MAX_RETRY_DELAY}: users that keep failing
     * do not hold up the ones behind them. A user ended meanwhile is not welcomed. Never throws: it runs after an
     * import that must not fail because of it.
     */
    public synchronized int sendDue() {
        List<Due> due;
        try {
            due = jdbc.query("select id, tenant_id, sis_id, account, given_name, end_date, welcome_attempts from dir_user "
                    + "where welcome_due = true and account is not null and mobile_norm is not null and "
                    + "(welcome_next_at is null or welcome_next_at <= ?) order by id limit " + batchSize,
                    rs -> new Due(new TemporaryPasswords.User(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5)), rs.getObject(6, LocalDate.class), rs.getInt(7)), clock.instant());
        } catch (RuntimeException e) {
            LOG.error("Cannot look for users due a welcome SMS: {}", e.toString());
            return 0;
        }
        int sent = 0;
        for (Due d : due) {
            TemporaryPasswords.User u = d.user();
            try {
                LocalDate today = LocalDate.now(clock.withZone(tenants.find(u.tenant()).orElseThrow().zone()));
                if (d.endDate() != null && d.endDate().isBefore(today)) {
                    jdbc.update("update dir_user set welcome_due = false where id = ?", u.id());
                    continue;
                }
                boolean queued = jdbc.tx(c -> {
                    if (Jdbc.update(c, "update dir_user set welcome_due = false, welcomed_at = ? where id = ? "
                            + "and welcome_due = true", clock.instant(), u.id()) == 0) {
                        return false; // another run took it
                    }
                    passwords.issue(c, u, flow, REQUESTED_BY);
                    return true;
                });
                if (queued) {
                    sent++;
                }
            } catch (RuntimeException e) {
                failed(d, e);
            }
        }
        if (sent > 0) {
            LOG.info("{} welcome SMS queued", sent);
        }
        return sent;
    }

    private void failed(Due d, RuntimeException e) {
        TemporaryPasswords.User u = d.user();
        int attempts = d.attempts() + 1;
        Duration delay = retryAfter.multipliedBy(1L << Math.min(attempts - 1, 20));
        if (delay.compareTo(MAX_RETRY_DELAY) > 0) {
            delay = MAX_RETRY_DELAY;
        }
        String message = "Welcome SMS for user " + u.sisId() + " of tenant " + u.tenant() + " not queued (attempt "
                + attempts + "), tried again in " + delay + ": " + e.getMessage();
        LOG.warn(message);
        try {
            jdbc.update("update dir_user set welcome_attempts = ?, welcome_next_at = ? where id = ?", attempts,
                    clock.instant().plus(delay), u.id());
            errorLog.record(JOB, message);
        } catch (RuntimeException again) {
            LOG.error("Cannot record the failed welcome SMS of user {}: {}", u.sisId(), again.toString());
        }
    }
}
