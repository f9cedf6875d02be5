package org.hermod.sis;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import javax.sql.DataSource;
import org.hermod.db.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The record of one import, kept apart from the import's own transaction so that it is visible while the
 * import runs and survives its rollback: the {@code sis_import} row (progress every {@code every} rows), its
 * row errors in {@code sis_import_error} (batched, auto-commit) and the report CSV, written as errors come and
 * moved next to the processed file at the end.
 */
public final class ImportLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ImportLog.class);
    public static final String REPORT_HEADER = "file,line,column,reason";

    private final Connection c;
    private final Clock clock;
    private final long id;
    private final String label;
    private final String fileName;
    private final int every;
    private final PreparedStatement insertError;
    private final Path report;
    private final BufferedWriter reportWriter;
    private final long startNanos = System.nanoTime();
    private int pendingErrors;
    private long nextProgress;

    private ImportLog(Connection c, Clock clock, long id, String label, String fileName, int every, Path report)
            throws SQLException, IOException {
        this.c = c;
        this.fileName = fileName;
        this.clock = clock;
        this.id = id;
        this.label = label;
        this.every = every;
        this.nextProgress = every;
        this.insertError = c.prepareStatement("insert into sis_import_error (import_id, file_name, line, column_name, reason) "
                + "values (?, ?, ?, ?, ?)");
        this.report = report;
        this.reportWriter = Files.newBufferedWriter(report, StandardCharsets.UTF_8);
        reportWriter.write(REPORT_HEADER);
        reportWriter.write('\n');
    }

    /** Creates the import row (status RUNNING) and opens the report in {@code workDir}. */
    public static ImportLog start(DataSource dataSource, Clock clock, String tenant, String source, String fileName, String checksum,
                           String format, boolean full, int every, Path workDir) {
        try {
            Connection c = dataSource.getConnection();
            c.setAutoCommit(true);
            long id;
            try (PreparedStatement ps = c.prepareStatement("insert into sis_import (tenant_id, source, file_name, checksum, format, "
                    + "mode, status, started_at) values (?, ?, ?, ?, ?, ?, 'RUNNING', ?)", new String[] {"id"})) {
                Jdbc.bind(ps, tenant, source, truncate(fileName, 500), checksum, format, full ? "full" : "delta", clock.instant());
                ps.executeUpdate();
                try (var keys = ps.getGeneratedKeys()) {
                    keys.next();
                    id = keys.getLong(1);
                }
            }
            Files.createDirectories(workDir);
            return new ImportLog(c, clock, id, source + " #" + id + " (" + fileName + ")", fileName, every,
                    workDir.resolve(".import-" + id + ".report.csv"));
        } catch (SQLException e) {
            throw new Jdbc.DataException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Deletes the partial reports a process that died left in {@code workDir} ({@code .import-<id>.report.csv}); their
     * errors are in {@code sis_import_error}. Only at start-up, when no import runs.
     */
    public static void deletePartialReports(Path workDir) {
        if (!Files.isDirectory(workDir)) {
            return;
        }
        try (var partial = Files.newDirectoryStream(workDir, ".import-*.report.csv")) {
            for (Path report : partial) {
                Files.deleteIfExists(report);
                LOG.info("Deleted {}, the partial report of an import a stop or crash ended", report);
            }
        } catch (IOException e) {
            LOG.warn("Cannot delete the partial reports in {}: {}", workDir, e.toString());
        }
    }

    public long id() {
        return id;
    }

    public void error(RowError e) {
        try {
            Jdbc.bind(insertError, id, truncate(e.file(), 200), e.line(), e.column() == null ? null : truncate(e.column(), 200),
                    truncate(e.reason(), 2000));
            insertError.addBatch();
            if (++pendingErrors >= 500) {
                flushErrors();
            }
            reportWriter.write(csv(e.file()) + "," + e.line() + "," + csv(e.column()) + "," + csv(e.reason()) + "\n");
        } catch (SQLException ex) {
            throw new Jdbc.DataException(ex);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** Logs a progress line and updates the import row every {@code every} rows. */
    public void progress(long rows, long errors) {
        if (rows < nextProgress) {
            return;
        }
        nextProgress = rows + every;
        LOG.info("SIS import {}: {} rows, {} errors, {} rows/s", label, rows, errors, Math.round(rows / Math.max(seconds(), 1e-3)));
        store("update sis_import set rows_read = ?, error_count = ? where id = ?", rows, errors, id);
    }

    /**
     * The file is read: logs it and shows {@code rows}, {@code errors} and what happens now in the import row's
     * message (the API), until {@link #finish} replaces it.
     */
    public void read(long rows, long errors, String next) {
        LOG.info("SIS import {}: read {} rows, {} errors in {} s; {}", label, rows, errors, String.format("%.1f", seconds()), next);
        store("update sis_import set rows_read = ?, error_count = ?, message = ? where id = ?", rows, errors,
                "read " + rows + " rows; " + next, id);
    }

    /** Writes the errors so far and then {@code update}, on the log's own connection (the API sees them at once). */
    private void store(String update, Object... args) {
        try {
            flushErrors();
            Jdbc.update(c, update, args);
        } catch (SQLException e) {
            throw new Jdbc.DataException(e);
        }
    }

    private double seconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Stores the outcome and moves the report to {@code reportDir}; returns the report's path. */
    public Path finish(String status, DirectoryWriter.Counts counts, String message, Path reportDir) {
        try {
            flushErrors();
            Jdbc.update(c, "update sis_import set status = ?, finished_at = ?, rows_read = ?, users_inserted = ?, "
                    + "users_updated = ?, users_ended = ?, groups_written = ?, memberships_written = ?, error_count = ?, "
                    + "message = ? where id = ?", status, clock.instant(), counts.rows(), counts.usersInserted(),
                    counts.usersUpdated(), counts.usersEnded(), counts.groupsWritten(), counts.membershipsWritten(),
                    counts.errors(), message == null ? null : truncate(message, 2000), id);
            reportWriter.close();
            Files.createDirectories(reportDir);
            Path target = reportDir.resolve(id + "-" + fileName + ".report.csv");
            Files.move(report, target, StandardCopyOption.REPLACE_EXISTING);
            LOG.info("SIS import {}: {} in {} s: {} rows, {} users new, {} changed, {} ended, {} groups, {} memberships "
                            + "written, {} errors{}", label, status, String.format("%.1f", seconds()), counts.rows(),
                    counts.usersInserted(), counts.usersUpdated(), counts.usersEnded(), counts.groupsWritten(),
                    counts.membershipsWritten(), counts.errors(), message == null ? "" : ": " + message);
            return target;
        } catch (SQLException e) {
            throw new Jdbc.DataException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void flushErrors() throws SQLException {
        if (pendingErrors > 0) {
            insertError.executeBatch();
            pendingErrors = 0;
        }
    }

    @Override
    public void close() {
        try {
            reportWriter.close();
            Files.deleteIfExists(report);
            insertError.close();
            c.close();
        } catch (SQLException | IOException e) {
            LOG.warn("Closing the record of SIS import {}: {}", label, e.toString());
        }
    }

    static String csv(String value) {
        if (value == null) {
            return "";
        }
        if (value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
            return '"' + value.replace("\"", "\"\"") + '"';
        }
        return value;
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
