package org.hermod.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.hermod.db.BulkInsert;
import org.hermod.db.Jdbc;
import org.hermod.testing.HermodApp;
import org.hermod.testing.Http;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (not part of the test suite; run with bench/run): a 10,000-recipient emergency SMS on
 * embedded PostgreSQL, (1) queued by one API call, committed, and (2) dispatched to the smstools3 spool.
 * The floor for (1) is PostgreSQL's COPY of the same 10,000 outbox rows alone, in the same run (and, for
 * comparison, a plain JDBC batch insert of them).
 */
@Tag("bench")
class OutboxBench {

    private static final int RECIPIENTS = 10_000;
    private static final int RUNS = 3;

    @Test
    void emergencyToTenThousand() throws Exception {
        try (HermodApp app = HermodApp.on(TestDatabases.postgres()).with("hermod.outbox.poll-interval", "20ms").start()) {
            app.seedUsers(RECIPIENTS, "+4526");
            List<Long> enqueue = new ArrayList<>();
            List<Long> dispatch = new ArrayList<>();
            List<Long> floor = new ArrayList<>();
            List<Long> batch = new ArrayList<>();
            Http admin = app.admin();
            admin.get("/api/sms?limit=1"); // authenticate once: the Basic check is cached afterwards
            for (int run = 0; run < RUNS; run++) {
                clean(app);
                long t0 = System.nanoTime();
                Http.Response r = admin.post("/api/sms", "{\"tenant\":\"default\",\"everyone\":true,"
                        + "\"priority\":\"EMERGENCY\",\"text\":\"Skolen er lukket i dag. Hent jeres børn.\"}");
                long t1 = System.nanoTime();
                assertThat(r.json().get("queued").asInt()).isEqualTo(RECIPIENTS);
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50)).until(() ->
                        app.count("select count(*) from sms where status = 'SENT'") == RECIPIENTS);
                long t2 = System.nanoTime();
                enqueue.add((t1 - t0) / 1_000_000);
                dispatch.add((t2 - t1) / 1_000_000);
                assertThat(spoolFiles(app.spool())).isEqualTo(RECIPIENTS);
                clean(app);
                floor.add(plainInsert(app, true));
                clean(app);
                batch.add(plainInsert(app, false));
            }
            long e = median(enqueue);
            long d = median(dispatch);
            long f = median(floor);
            long b = median(batch);
            String report = String.format("""
                    outbox benchmark: %d recipients, %d runs, embedded PostgreSQL 14, spool channel
                      enqueue (one API call, committed)     median %5d ms   runs %s
                      the same rows by COPY alone (floor)   median %5d ms   runs %s   enqueue/floor %.1fx
                      the same rows by JDBC batch insert    median %5d ms   runs %s
                      dispatch to spool (queued -> SENT)    median %5d ms   runs %s   %d SMS/s
                      end to end                            median %5d ms
                    """, RECIPIENTS, RUNS, e, enqueue, f, floor, (double) e / Math.max(f, 1), b, batch, d, dispatch,
                    RECIPIENTS * 1000L / Math.max(d, 1), e + d);
            new BenchReport("outbox").printf("%s", report);
        }
    }

    /** The outbox rows alone, without the API, resolution or validation: by COPY or by a JDBC batch. */
    private static long plainInsert(HermodApp app, boolean copy) {
        List<String> columns = List.of("tenant_id", "recipient", "text", "encoding", "segments", "status", "priority",
                "channel", "next_attempt_at", "created_at");
        Instant now = Instant.now();
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < RECIPIENTS; i++) {
            rows.add(new Object[] {"default", "+4526" + String.format("%06d", i), "Skolen er lukket i dag.", "GSM7", 1,
                    "CANCELLED", 0, "spool", now, now});
        }
        long t0 = System.nanoTime();
        app.jdbc().tx(c -> {
            if (copy) {
                BulkInsert.insert(c, "sms", columns, rows);
            } else {
                try (PreparedStatement ps = c.prepareStatement("insert into sms (" + String.join(", ", columns)
                        + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    for (Object[] row : rows) {
                        Jdbc.bind(ps, row);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            return null;
        });
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /**
     * Empties the outbox and swaps in an empty spool folder. The old folder is moved aside, not emptied:
     * creating files right after deleting 10,000 in the same folder is several times slower on ext4 with
     * online discard, which would measure the file system's clean-up rather than Hermod.
     */
    private static void clean(HermodApp app) throws IOException {
        app.jdbc().update("delete from sms");
        app.jdbc().update("delete from sms_request");
        if (spoolFiles(app.spool()) > 0) {
            Files.move(app.spool(), app.spool().resolveSibling("done-" + System.nanoTime()));
            Files.createDirectories(app.spool());
        }
    }

    private static long spoolFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }

    private static long median(List<Long> values) {
        return values.stream().sorted(Comparator.naturalOrder()).toList().get(values.size() / 2);
    }
}
