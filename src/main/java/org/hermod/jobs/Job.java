package org.hermod.jobs;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import org.hermod.db.Database;

/** A scheduled route's stored settings and statistics (seed 002, "Job Einstellungen"). */
public record Job(
        String id, String name, String description, String note, boolean active, LogLevel logLevel,
        Instant validFrom, Instant validTo, String schedule, int priority, String errorEmail, String tenants,
        boolean runRequested, Instant lastRunAt, Instant nextRunAt, Long lastDurationMs, long runCount,
        long errorCount, String lastError, boolean lastFailed) {

    /** "nur Fehler" records failures only; "Vollständig" also logs every run. */
    public enum LogLevel { ERRORS, FULL }

    public boolean validAt(Instant now) {
        return (validFrom == null || !now.isBefore(validFrom)) && (validTo == null || now.isBefore(validTo));
    }

    public boolean hasCron() {
        return schedule != null && !schedule.isBlank();
    }

    static Job map(ResultSet rs) throws SQLException {
        return new Job(rs.getString("id"), rs.getString("name"), rs.getString("description"), rs.getString("note"),
                rs.getBoolean("active"), LogLevel.valueOf(rs.getString("log_level")), Database.instant(rs, "valid_from"),
                Database.instant(rs, "valid_to"), rs.getString("schedule"), rs.getInt("priority"),
                rs.getString("error_email"), rs.getString("tenants"), rs.getBoolean("run_requested"),
                Database.instant(rs, "last_run_at"), Database.instant(rs, "next_run_at"),
                rs.getObject("last_duration_ms", Long.class), rs.getLong("run_count"), rs.getLong("error_count"),
                rs.getString("last_error"), rs.getBoolean("last_failed"));
    }
}
