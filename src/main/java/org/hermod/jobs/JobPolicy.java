package org.hermod.jobs;

import java.time.Clock;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;
import org.hermod.mail.Mailer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a scheduled route a job: on each tick of its timer it runs only when the job is active, valid now,
 * due by its cron schedule (or has no schedule) or was asked to run now; afterwards it records the
 * statistics, writes failures to the error log and mails the job's address when the job starts failing.
 */
public final class JobPolicy extends RoutePolicySupport {

    /** Exchange property carrying the job's tenant list to the route's beans. */
    public static final String TENANTS = "hermodJobTenants";
    private static final String STARTED = "hermodJobStarted";
    private static final Logger LOG = LoggerFactory.getLogger(JobPolicy.class);

    private final Jobs jobs;
    private final ErrorLog errorLog;
    private final Mailer mailer;
    private final Clock clock;
    private final long tickMillis;

    public JobPolicy(Jobs jobs, ErrorLog errorLog, Mailer mailer, Clock clock, long tickMillis) {
        this.jobs = jobs;
        this.errorLog = errorLog;
        this.mailer = mailer;
        this.clock = clock;
        this.tickMillis = tickMillis;
    }

    @Override
    public void onExchangeBegin(Route route, Exchange exchange) {
        Job job = jobs.find(route.getRouteId()).orElse(null);
        Instant now = clock.instant();
        if (job == null || !shouldRun(job, now)) {
            exchange.setRouteStop(true);
            return;
        }
        exchange.setProperty(STARTED, System.nanoTime());
        exchange.setProperty(TENANTS, job.tenants() == null ? "" : job.tenants());
    }

    private boolean shouldRun(Job job, Instant now) {
        if (job.runRequested()) {
            return true;
        }
        if (!job.active() || !job.validAt(now)) {
            return false;
        }
        if (!job.hasCron()) {
            return true;
        }
        if (job.nextRunAt() == null) {
            jobs.planNext(job.id(), jobs.nextFire(job.schedule(), now));
            return false;
        }
        return !now.isBefore(job.nextRunAt());
    }

    /** The innermost cause says what went wrong; Camel's wrappers around it do not. */
    static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String outer = root == failure ? "" : " (in " + failure.getClass().getSimpleName() + ")";
        return root.getClass().getSimpleName() + ": " + root.getMessage() + outer;
    }

    @Override
    public void onExchangeDone(Route route, Exchange exchange) {
        Long started = exchange.getProperty(STARTED, Long.class);
        if (started == null) {
            return;
        }
        String id = route.getRouteId();
        long millis = (System.nanoTime() - started) / 1_000_000;
        Throwable failure = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String error = failure == null ? null : describe(failure);
        Instant now = clock.instant();
        Job job = jobs.find(id).orElse(null);
        if (job == null) {
            return;
        }
        Instant next = job.hasCron() ? jobs.nextFire(job.schedule(), now) : now.plusMillis(tickMillis);
        jobs.recordRun(id, now, millis, error, next);
        if (error != null) {
            LOG.error("Job {} failed after {} ms: {}", id, millis, error);
            errorLog.record(id, error);
            if (!job.lastFailed() && job.errorEmail() != null && !job.errorEmail().isBlank()) {
                mailer.send(job.errorEmail(), "Hermod job " + id + " failed", "Job " + id + " failed at " + now
                        + ":\n\n" + error + "\n\nFurther failures are not mailed until the job has run once without error.");
            }
        } else if (job.logLevel() == Job.LogLevel.FULL) {
            LOG.info("Job {} ran in {} ms", id, millis);
        }
    }
}
