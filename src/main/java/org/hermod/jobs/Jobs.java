package org.hermod.jobs;

import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.TimeZone;
import org.hermod.Problem;
import org.hermod.db.Jdbc;
import org.quartz.CronExpression;

/** The job table: settings edited through the API, statistics written after every run. */
public final class Jobs {

    private final Jdbc jdbc;
    private final TimeZone zone;

    public Jobs(Jdbc jdbc, TimeZone zone) {
        this.jdbc = jdbc;
        this.zone = zone;
    }

    public List<Job> list() {
        return jdbc.query("select * from job order by priority, id", Job::map);
    }

    public Optional<Job> find(String id) {
        return jdbc.query("select * from job where id = ?", Job::map, id).stream().findFirst();
    }

    /**
     * Registers a scheduled route as a job the first time it is seen, {@code active} or not; settings already stored
     * are kept.
     */
    public void register(String id, String description, String schedule, boolean active) {
        if (schedule != null) {
            cron(schedule);
        }
        jdbc.tx(c -> {
            if (Jdbc.query(c, "select id from job where id = ?", rs -> rs.getString(1), id).isEmpty()) {
                Jdbc.update(c, "insert into job (id, name, description, schedule, active) values (?, ?, ?, ?, ?)", id, id,
                        description, schedule, active);
            }
            return null;
        });
    }

    public void update(Job j) {
        if (j.hasCron()) {
            cron(j.schedule());
        }
        if (j.validFrom() != null && j.validTo() != null && !j.validFrom().isBefore(j.validTo())) {
            throw Problem.badRequest("validFrom", "must be before validTo");
        }
        int n = jdbc.update("update job set name = ?, description = ?, note = ?, active = ?, log_level = ?, "
                + "valid_from = ?, valid_to = ?, schedule = ?, priority = ?, error_email = ?, tenants = ?, "
                + "next_run_at = null where id = ?", j.name(), j.description(), j.note(), j.active(), j.logLevel().name(),
                j.validFrom(), j.validTo(), j.schedule(), j.priority(), j.errorEmail(), j.tenants(), j.id());
        if (n == 0) {
            throw Problem.notFound("job " + j.id());
        }
    }

    public void requestRun(String id) {
        if (jdbc.update("update job set run_requested = true where id = ?", id) == 0) {
            throw Problem.notFound("job " + id);
        }
    }

    public void planNext(String id, Instant next) {
        jdbc.update("update job set next_run_at = ? where id = ?", next, id);
    }

    public void recordRun(String id, Instant at, long durationMs, String error, Instant next) {
        jdbc.update("update job set run_requested = false, last_run_at = ?, last_duration_ms = ?, next_run_at = ?, "
                + "run_count = run_count + 1, error_count = error_count + ?, last_failed = ?, "
                + "last_error = coalesce(?, last_error) where id = ?", at, durationMs, next, error == null ? 0 : 1,
                error != null, error == null ? null : truncate(error), id);
    }

    /** The next fire time of a Quartz cron expression after {@code after}, in the jobs' time zone. */
    public Instant nextFire(String schedule, Instant after) {
        Date next = cron(schedule).getNextValidTimeAfter(Date.from(after));
        return next == null ? null : next.toInstant();
    }

    private CronExpression cron(String schedule) {
        try {
            CronExpression expression = new CronExpression(schedule);
            expression.setTimeZone(zone);
            return expression;
        } catch (ParseException e) {
            throw Problem.badRequest("schedule", "not a Quartz cron expression ('" + schedule + "'): " + e.getMessage()
                    + "; e.g. '0 */5 * * * ?' for every five minutes");
        }
    }

    private static String truncate(String s) {
        return s.length() <= 2000 ? s : s.substring(0, 2000);
    }
}
