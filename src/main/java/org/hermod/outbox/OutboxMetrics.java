package org.hermod.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hermod.db.Jdbc;

/**
 * Prometheus metrics of the outbox: {@code hermod_outbox_depth{status}} (read from the database every few
 * seconds on a thread of its own, so scrapes stay cheap and answer at once while the database is gone) and {@code hermod_sms_sent_total} / {@code hermod_sms_failed_total}
 * per channel.
 */
public final class OutboxMetrics implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(OutboxMetrics.class);
    private static final long DEPTH_REFRESH_SECONDS = 5;
    private final java.util.concurrent.ScheduledExecutorService refresher =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "hermod-outbox-depth");
                t.setDaemon(true);
                return t;
            });

    private final MeterRegistry registry;
    private final Jdbc jdbc;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private volatile Map<SmsStatus, Long> depth = new EnumMap<>(SmsStatus.class);

    public OutboxMetrics(MeterRegistry registry, Jdbc jdbc) {
        this.registry = registry;
        this.jdbc = jdbc;
        for (SmsStatus status : SmsStatus.values()) {
            Gauge.builder("hermod.outbox.depth", () -> depth().getOrDefault(status, 0L))
                    .description("SMS in the outbox per status").tag("status", status.name().toLowerCase())
                    .register(registry);
        }
    }

    public void sent(String channel, int n) {
        counter("hermod.sms.sent", channel).increment(n);
    }

    public void failed(String channel, int n) {
        counter("hermod.sms.failed", channel).increment(n);
    }

    private Counter counter(String name, String channel) {
        return counters.computeIfAbsent(name + "|" + channel, k -> Counter.builder(name).tag("channel", channel)
                .description(name.endsWith("sent") ? "SMS accepted by the channel" : "SMS that failed for good")
                .register(registry));
    }

    /** The last depth read; a scrape never waits for the database (it may be gone), the refresh thread does. */
    private Map<SmsStatus, Long> depth() {
        return depth;
    }

    /** Reads the depth per status; called every few seconds from a thread of its own ({@link #startRefreshing}). */
    void refreshDepth() {
        Map<SmsStatus, Long> fresh = new EnumMap<>(SmsStatus.class);
        jdbc.query("select status, count(*) from sms group by status", rs -> {
            fresh.put(SmsStatus.valueOf(rs.getString(1)), rs.getLong(2));
            return null;
        });
        depth = fresh;
    }

    /** Starts the refresh thread; stops with {@link #close}. */
    public OutboxMetrics startRefreshing() {
        refresher.scheduleWithFixedDelay(() -> {
            try {
                refreshDepth();
            } catch (RuntimeException e) {
                LOG.debug("Outbox depth not refreshed: {}", e.getMessage());
            }
        }, 0, DEPTH_REFRESH_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        return this;
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }
}
