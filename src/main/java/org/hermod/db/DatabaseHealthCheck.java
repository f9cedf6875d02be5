package org.hermod.db;

import java.sql.Connection;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness: Hermod is ready only while its database answers (the outbox and every job live there). The database is
 * probed every second on a thread of its own and the check reports the last probe, so {@code /observe/health}
 * answers at once even while the database hangs; without a successful probe for 3 seconds the check is DOWN, naming
 * the last error.
 */
public final class DatabaseHealthCheck extends AbstractHealthCheck implements AutoCloseable {

    private static final long STALE_NANOS = TimeUnit.SECONDS.toNanos(3);

    private final DataSource dataSource;
    private final ScheduledExecutorService prober = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hermod-db-probe");
        t.setDaemon(true);
        return t;
    });
    private volatile long lastOkNanos = System.nanoTime();
    private volatile String lastError = "no answer yet";

    public DatabaseHealthCheck(DataSource dataSource) {
        super("hermod", "database");
        this.dataSource = dataSource;
        prober.scheduleWithFixedDelay(this::probe, 0, 1, TimeUnit.SECONDS);
    }

    private void probe() {
        try (Connection c = dataSource.getConnection()) {
            if (c.isValid(1)) {
                lastOkNanos = System.nanoTime();
            } else {
                lastError = "database connection is not valid";
            }
        } catch (Exception e) {
            lastError = "database unreachable: " + e.getMessage();
        }
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        long silentNanos = System.nanoTime() - lastOkNanos;
        if (silentNanos <= STALE_NANOS) {
            builder.up();
        } else {
            builder.message(lastError + " (no answer for " + TimeUnit.NANOSECONDS.toSeconds(silentNanos) + " s)").down();
        }
    }

    @Override
    public void close() {
        prober.shutdownNow();
    }
}
