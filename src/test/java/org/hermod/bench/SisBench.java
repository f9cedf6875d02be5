package org.hermod.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.hermod.sis.OneRosterGenerator;
import org.hermod.sis.SisDrops;
import org.hermod.testing.HermodApp;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;

/**
 * Benchmark for issue #5 (not part of the test suite; run with {@code bench/run SisBench}): a generated OneRoster
 * export (sizes from -Dsis.users, -Dsis.classes, -Dsis.enrollments; default 100,000 / 3,000 / 300,000) dropped
 * into a full import on embedded PostgreSQL, through the real application: (1) the first import into an empty
 * directory, (2) an unchanged re-import (same content, other bytes: a new zip comment), which must write no
 * directory row, (3) the same file again (checksum short-circuit). The floor is PostgreSQL's COPY of the same
 * CSV rows into plain tables without indexes, in the same run. Heap is the JVM's (the app runs in it), sampled
 * every 20 ms during each import.
 */
@Tag("bench")
class SisBench {

    private static final int USERS = Integer.getInteger("sis.users", 100_000);
    private static final int CLASSES = Integer.getInteger("sis.classes", 3_000);
    private static final int ENROLLMENTS = Integer.getInteger("sis.enrollments", 300_000);
    private static final String BATCH = System.getProperty("sis.batch-size", "5000");

    @TempDir
    Path temp;

    @Test
    void oneRosterExport() throws Exception {
        // the writer's per-statement times (debug) go to the test output, to see where an import spends its time
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.hermod.sis.DirectoryWriter.class))
                .setLevel(ch.qos.logback.classic.Level.DEBUG);
        Path folder = temp.resolve("drop");
        Files.createDirectories(folder);
        Path export = OneRosterGenerator.write(temp.resolve("export"), USERS, CLASSES, ENROLLMENTS);
        Path first = SisDrops.zip(export, temp.resolve("zips/first.zip"), "first");
        Path second = SisDrops.zip(export, temp.resolve("zips/second.zip"), "second");
        long fileRows = USERS + CLASSES + ENROLLMENTS + 3;
        try (HermodApp app = HermodApp.on(TestDatabases.postgres())
                .with("hermod.sis.imports[0].name", "bench")
                .with("hermod.sis.imports[0].folder", folder.toString())
                .with("hermod.sis.imports[0].welcome", "false")
                .with("hermod.sis.batch-size", BATCH)
                .with("hermod.sis.poll-interval", "100ms")
                .with("hermod.sis.read-lock-check-interval", "100")
                .with("hermod.sis.read-lock-min-age", "100ms")
                .start()) {
            Run firstRun = run(app, folder, first, "first.zip");
            assertThat(firstRun.status).isEqualTo("DONE");
            assertThat(app.count("select count(*) from dir_user")).isEqualTo(USERS);
            assertThat(app.count("select count(*) from dir_group")).isEqualTo(CLASSES);
            long memberships = app.count("select count(*) from dir_membership");
            Run again = run(app, folder, second, "second.zip");
            assertThat(again.status).isEqualTo("DONE");
            assertThat(again.written).as("directory rows written by the unchanged re-import").isZero();
            // live heap: one more unchanged re-import, with a full GC every second, heap used right after each
            Run live = run(app, folder, SisDrops.zip(export, temp.resolve("zips/fourth.zip"), "fourth"), "fourth.zip", true);
            assertThat(live.written).isZero();
            Run duplicate = run(app, folder, second, "third.zip");
            assertThat(duplicate.status).isEqualTo("DUPLICATE");
            long floor = copyFloor(app, export);
            long floor2 = copyFloor(app, export);
            long f = Math.min(floor, floor2);
            String report = String.format("""
                    SIS benchmark: OneRoster export of %,d users, %,d classes, %,d enrollments (%,d rows, zip %,d KB), \
                    full import, embedded PostgreSQL 14, batch size %s, max heap %d MB
                      first import              %6d ms  %,7d rows/s  written %,d dir rows (%,d memberships)  heap peak %d MB  %.1fx floor
                      unchanged re-import       %6d ms  %,7d rows/s  written %,d dir rows  heap peak %d MB
                      live heap (used after a full GC, sampled every second during a re-import): %d MB before, max %d MB during
                      same file (checksum)      %6d ms
                      floor: COPY of users, classes, enrollments CSV into plain tables   %d ms (runs %d, %d)
                    """, USERS, CLASSES, ENROLLMENTS, fileRows, Files.size(first) / 1024, BATCH,
                    Runtime.getRuntime().maxMemory() >> 20,
                    firstRun.millis, fileRows * 1000 / Math.max(1, firstRun.millis), firstRun.written, memberships,
                    firstRun.heapPeak >> 20, (double) firstRun.millis / Math.max(1, f),
                    again.millis, fileRows * 1000 / Math.max(1, again.millis), again.written, again.heapPeak >> 20,
                    live.heapBefore >> 20, live.heapPeak >> 20, duplicate.millis, f, floor, floor2);
            new BenchReport("sis").printf("%s", report);
        }
    }

    private record Run(String status, long millis, long written, long heapPeak, long heapBefore) {
    }

    private static Run run(HermodApp app, Path folder, Path zip, String name) throws Exception {
        return run(app, folder, zip, name, false);
    }

    /** Drops the zip, waits for the import's row, and takes its time from the row (start to finish). */
    private static Run run(HermodApp app, Path folder, Path zip, String name, boolean gc) throws Exception {
        long txid = app.count("select txid_current()");
        long lastId = app.count("select coalesce(max(id), 0) from sis_import");
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long before = memory.getHeapMemoryUsage().getUsed();
        AtomicLong peak = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (running.get()) {
                if (gc) {
                    System.gc();
                }
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(gc ? 1000 : 20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        SisDrops.drop(zip, folder, name);
        await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(100)).until(() -> app.count(
                "select count(*) from sis_import where id > ? and status <> 'RUNNING'", lastId) > 0);
        running.set(false);
        sampler.join();
        Map<String, Object> row = app.jdbc().query("select status, extract(epoch from (finished_at - started_at)) * 1000 "
                + "from sis_import where id > ? order by id desc limit 1", rs -> Map.<String, Object>of("status",
                rs.getString(1), "ms", rs.getDouble(2)), lastId).get(0);
        // rows whose current version was written after txid (xmin is 32-bit: fine for a fresh database)
        long written = 0;
        for (String table : List.of("dir_user", "dir_group", "dir_membership")) {
            written += app.count("select count(*) from " + table + " where xmin::text::bigint > ?", txid);
        }
        return new Run((String) row.get("status"), Math.round((Double) row.get("ms")), written, peak.get(), before);
    }

    /** PostgreSQL's own COPY of the export's users, classes and enrollments CSV into plain tables, one transaction. */
    private static long copyFloor(HermodApp app, Path export) throws Exception {
        try (Connection c = app.jdbc().dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("drop table if exists floor_user, floor_class, floor_enrollment");
            st.execute("create table floor_user (sourcedId text, status text, dateLastModified text, enabledUser text, "
                    + "orgSourcedIds text, role text, username text, userIds text, givenName text, familyName text, "
                    + "middleName text, identifier text, email text, sms text, phone text, agentSourcedIds text, "
                    + "grades text, password text)");
            st.execute("create table floor_class (sourcedId text, status text, dateLastModified text, title text, "
                    + "grades text, courseSourcedId text, classCode text, classType text, location text, "
                    + "schoolSourcedId text, termSourcedIds text, subjects text, subjectCodes text, periods text)");
            st.execute("create table floor_enrollment (sourcedId text, status text, dateLastModified text, "
                    + "classSourcedId text, schoolSourcedId text, userSourcedId text, role text, \"primary\" text, "
                    + "beginDate text, endDate text)");
            c.setAutoCommit(false);
            CopyManager copy = new CopyManager(c.unwrap(BaseConnection.class));
            long t0 = System.nanoTime();
            for (String[] t : new String[][] {{"floor_user", "users.csv"}, {"floor_class", "classes.csv"},
                    {"floor_enrollment", "enrollments.csv"}}) {
                try (Reader in = Files.newBufferedReader(export.resolve(t[1]), StandardCharsets.UTF_8)) {
                    copy.copyIn("COPY " + t[0] + " FROM STDIN WITH (FORMAT csv, HEADER true)", in);
                }
            }
            c.commit();
            long millis = (System.nanoTime() - t0) / 1_000_000;
            c.setAutoCommit(true);
            return millis;
        }
    }
}
