package org.hermod.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hermod.db.Jdbc;

/**
 * Prometheus metrics of the outbox: {@code hermod_outbox_depth{status}} (read from the database at most
 * every few seconds, so scrapes stay cheap) and {@code hermod_sms_sent_total} / {@code hermod_sms_failed_total}
 * per channel.
 */
public final class OutboxMetrics {

    private static final long DEPTH_CACHE_NANOS = 5_000_000_000L;

    private final MeterRegistry registry;
    private final Jdbc jdbc;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private volatile Map<SmsStatus, Long> depth = new EnumMap<>(SmsStatus.class);
    private volatile long depthReadAt;

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

    private synchronized Map<SmsStatus, Long> depth() {
        if (System.nanoTime() - depthReadAt > DEPTH_CACHE_NANOS) {
            Map<SmsStatus, Long> fresh = new EnumMap<>(SmsStatus.class);
            jdbc.query("select status, count(*) from sms group by status", rs -> {
                fresh.put(SmsStatus.valueOf(rs.getString(1)), rs.getLong(2));
                return null;
            });
            depth = fresh;
            depthReadAt = System.nanoTime();
        }
        return depth;
    }
}
