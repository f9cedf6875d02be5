package org.hermod.bench;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.hermod.db.BulkInsert;
import org.hermod.testing.HermodApp;
import org.hermod.testing.ScriptedChannel;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (not part of the test suite; run with bench/run ClaimBench): how long after a broadcast of 10,000
 * and 100,000 queued SMS is committed the first of them reaches the channel, on H2 (the embedded default) and
 * on embedded PostgreSQL. The floor, in the same run and on the same rows, is a plain indexed read of one
 * batch of due SMS without locking or updating anything.
 */
@Tag("bench")
class ClaimBench {

    private static final int RUNS = 3;
    private static final int BATCH = 500;

    @Test
    void firstSmsOfABroadcastReachesTheChannel() {
        BenchReport report = new BenchReport("claim");
        report.printf("claim benchmark: queued broadcast -> first SMS handed to the channel, %d runs each, "
                + "batch %d, dispatcher poll 20 ms%n", RUNS, BATCH);
        for (String db : List.of("h2", "postgres")) {
            for (int queued : List.of(10_000, 100_000)) {
                measure(report, db, queued);
            }
        }
    }

    private static void measure(BenchReport report, String db, int queued) {
        ScriptedChannel channel = new ScriptedChannel("scripted");
        String url = db.equals("h2") ? TestDatabases.h2() : TestDatabases.postgres();
        List<Long> first = new ArrayList<>();
        List<Long> floor = new ArrayList<>();
        try (HermodApp app = HermodApp.on(url).bean("scriptedChannel", channel)
                .with("hermod.outbox.default-channel", "scripted")
                .with("hermod.outbox.batch-size", String.valueOf(BATCH))
                .with("hermod.outbox.poll-interval", "20ms").start()) {
            for (int run = 0; run < RUNS; run++) {
                channel.received.clear();
                queue(app, queued, "CANCELLED");
                long f0 = System.nanoTime();
                app.jdbc().query("select id, tenant_id, recipient, text, priority, created_at, send_before, attempts "
                        + "from sms where status = 'CANCELLED' and channel = 'scripted' and next_attempt_at <= ? "
                        + "order by priority, next_attempt_at, id limit " + BATCH, rs -> rs.getLong(1), Instant.now());
                floor.add((System.nanoTime() - f0) / 1_000_000);
                app.jdbc().update("delete from sms");

                long t0 = System.nanoTime();
                queue(app, queued, "QUEUED");
                long committed = System.nanoTime();
                await().atMost(Duration.ofMinutes(15)).pollInterval(Duration.ofMillis(1))
                        .until(() -> !channel.received.isEmpty());
                first.add((System.nanoTime() - committed) / 1_000_000);
                app.jdbc().update("update sms set status = 'CANCELLED' where status = 'QUEUED'");
                await().atMost(Duration.ofMinutes(2)).until(() ->
                        app.count("select count(*) from sms where status = 'SENDING'") == 0);
                app.jdbc().update("delete from sms");
                if (run == 0) {
                    report.printf("  %-8s %,7d queued: insert by COPY/batch took %d ms%n", db, queued,
                            (committed - t0) / 1_000_000);
                }
            }
        }
        report.printf("  %-8s %,7d queued: first SMS at the channel median %5d ms runs %s; floor (plain read of one "
                + "batch) median %d ms runs %s%n", db, queued, median(first), first, median(floor), floor);
    }

    private static void queue(HermodApp app, int n, String status) {
        List<String> columns = List.of("tenant_id", "recipient", "text", "encoding", "segments", "status", "priority",
                "channel", "next_attempt_at", "created_at");
        Instant now = Instant.now();
        List<Object[]> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            rows.add(new Object[] {"default", "+4526" + String.format("%06d", i), "Skolen er lukket i dag.", "GSM7", 1,
                    status, 0, "scripted", now, now});
        }
        app.jdbc().tx(c -> {
            BulkInsert.insert(c, "sms", columns, rows);
            return null;
        });
    }

    private static long median(List<Long> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }
}
