package org.hermod.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.hermod.sis.OneRosterGenerator;
import org.hermod.sis.OneRosterReader;
import org.hermod.sis.SisDrops;
import org.hermod.testing.HermodApp;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;

/**
 * Benchmark for issues #5 and #13 (not part of the test suite; run with {@code bench/run SisBench}): a generated
 * OneRoster export (sizes from -Dsis.users, -Dsis.classes, -Dsis.enrollments; default 100,000 / 3,000 / 300,000)
 * dropped into a full import on embedded PostgreSQL, through the real application, in -Dsis.rounds rounds (3),
 * each on an emptied directory: (1) the first import, (2) an unchanged re-import (same content, other bytes: a new
 * zip comment), which must write no directory row, (3) a 1 %-changed re-import (every 100th user renamed, every
 * 100th enrollment in another class), then the floor, PostgreSQL's COPY of the same CSV rows into plain tables
 * without indexes (the better of two), and the reader alone into a sink that does nothing, the files one after the
 * other and (the ceiling of parallel parsing) each on its own thread. Medians of the rounds and their ratios to the
 * floor's median close the report. After the rounds: the same file again (checksum
 * short-circuit), and one more re-import with the heap used after a full GC sampled every second.
 */
@Tag("bench")
class SisBench {

    private static final int USERS = Integer.getInteger("sis.users", 100_000);
    private static final int CLASSES = Integer.getInteger("sis.classes", 3_000);
    private static final int ENROLLMENTS = Integer.getInteger("sis.enrollments", 300_000);
    private static final String BATCH = System.getProperty("sis.batch-size", "5000");
    private static final int ROUNDS = Integer.getInteger("sis.rounds", 3);

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
        Path changedExport = OneRosterGenerator.write(temp.resolve("changed"), USERS, CLASSES, ENROLLMENTS, 100);
        long fileRows = USERS + CLASSES + ENROLLMENTS + 3;
        BenchReport report = new BenchReport("sis");
        try (HermodApp app = HermodApp.on(TestDatabases.postgres())
                .with("hermod.sis.imports[0].name", "bench")
                .with("hermod.sis.imports[0].folder", folder.toString())
                .with("hermod.sis.imports[0].welcome", "false")
                .with("hermod.sis.batch-size", BATCH)
                .with("hermod.sis.poll-interval", "100ms")
                .with("hermod.sis.read-lock-check-interval", "100")
                .with("hermod.sis.read-lock-min-age", "100ms")
                .start()) {
            report.printf("SIS benchmark: OneRoster export of %,d users, %,d classes, %,d enrollments (%,d rows), full "
                    + "import, embedded PostgreSQL 14, batch size %s, max heap %d MB, %d rounds%n", USERS, CLASSES,
                    ENROLLMENTS, fileRows, BATCH, Runtime.getRuntime().maxMemory() >> 20, ROUNDS);
            List<long[]> rounds = new ArrayList<>();
            for (int round = 1; round <= ROUNDS; round++) {
                if (round > 1) {
                    app.jdbc().update("truncate dir_membership, dir_user, dir_group, dir_source, sis_file");
                }
                Path first = SisDrops.zip(export, temp.resolve("zips/first-" + round + ".zip"), "first " + round);
                Run firstRun = run(app, folder, first, "first-" + round + ".zip");
                assertThat(firstRun.status).isEqualTo("DONE");
                assertThat(app.count("select count(*) from dir_user")).isEqualTo(USERS);
                assertThat(app.count("select count(*) from dir_group")).isEqualTo(CLASSES);
                Run again = run(app, folder, SisDrops.zip(export, temp.resolve("zips/again-" + round + ".zip"),
                        "again " + round), "again-" + round + ".zip");
                assertThat(again.status).isEqualTo("DONE");
                assertThat(again.written).as("directory rows written by the unchanged re-import").isZero();
                Run changed = run(app, folder, SisDrops.zip(changedExport, temp.resolve("zips/changed-" + round + ".zip"),
                        "changed " + round), "changed-" + round + ".zip");
                assertThat(changed.status).isEqualTo("DONE");
                assertThat(changed.written).as("directory rows written by the 1 %-changed re-import").isPositive();
                long floor = Math.min(copyFloor(app, export), copyFloor(app, export));
                long parse = parseOnly(export);
                long parallel = parseParallel(export);
                rounds.add(new long[] {firstRun.millis, again.millis, changed.millis, floor, parse, parallel});
                report.printf("  round %d: first %,d ms (%,d dir rows written), unchanged %,d ms (0 written), 1 %%-changed "
                        + "%,d ms (%,d written), COPY floor %,d ms, parse only %,d ms, in parallel %,d ms; heap peak %d MB%n",
                        round, firstRun.millis, firstRun.written, again.millis, changed.millis, changed.written, floor,
                        parse, parallel,
                        Math.max(firstRun.heapPeak, Math.max(again.heapPeak, changed.heapPeak)) >> 20);
            }
            Run duplicate = run(app, folder, temp.resolve("zips/changed-" + ROUNDS + ".zip"), "duplicate.zip");
            assertThat(duplicate.status).isEqualTo("DUPLICATE");
            // live heap: one more unchanged re-import, with a full GC every second, heap used right after each
            Run live = run(app, folder, SisDrops.zip(changedExport, temp.resolve("zips/live.zip"), "live"), "live.zip", true);
            assertThat(live.written).isZero();
            long floor = median(rounds, 3);
            report.printf("""
                    medians of %d rounds (ratio: median import / median COPY floor of the same runs):
                      first import              %6d ms  %5.1fx floor  (goal <= 8x)
                      unchanged re-import       %6d ms  %5.1fx floor  (goal <= 3x)
                      1 %%-changed re-import     %6d ms  %5.1fx floor  (goal <= 3x)
                      parse only (no sink work) %6d ms  %5.1fx floor
                      parse, files in parallel  %6d ms  %5.1fx floor
                      floor: COPY of users, classes, enrollments CSV into plain tables   %d ms
                      same file (checksum) %d ms; live heap (used after a full GC, every second, during a re-import): \
                    %d MB before, max %d MB during
                    """, ROUNDS, median(rounds, 0), ratio(median(rounds, 0), floor), median(rounds, 1),
                    ratio(median(rounds, 1), floor), median(rounds, 2), ratio(median(rounds, 2), floor),
                    median(rounds, 4), ratio(median(rounds, 4), floor), median(rounds, 5),
                    ratio(median(rounds, 5), floor), floor, duplicate.millis,
                    live.heapBefore >> 20, live.heapPeak >> 20);
        }
    }

    private static long median(List<long[]> rounds, int column) {
        long[] values = rounds.stream().mapToLong(r -> r[column]).sorted().toArray();
        return values[values.length / 2];
    }

    private static double ratio(long millis, long floor) {
        return (double) millis / Math.max(1, floor);
    }

    /** The reader alone, into a sink that does nothing: what parsing and checking the rows costs. */
    private static long parseOnly(Path export) throws Exception {
        Path zip = export.resolveSibling("parse-only.zip");
        SisDrops.zip(export, zip, null);
        long t0 = System.nanoTime();
        new OneRosterReader().read(zip, error -> { });
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /**
     * The ceiling of parsing the files in parallel: each of the export's CSV files zipped alone with a manifest that
     * lists only it, and all read at once, one thread each, into sinks that do nothing. References to the other files
     * are allowed (they are not there), so no row is rejected for them; the time is the wall clock until the last
     * thread is done.
     */
    private static long parseParallel(Path export) throws Exception {
        List<Path> zips = new ArrayList<>();
        try (Stream<Path> files = Files.list(export)) {
            for (Path csv : files.filter(f -> !f.getFileName().toString().equals("manifest.csv")).sorted().toList()) {
                String name = csv.getFileName().toString();
                Path alone = export.resolveSibling("parallel/" + name.replace(".csv", ""));
                Files.createDirectories(alone);
                Files.writeString(alone.resolve("manifest.csv"), "propertyName,value\nmanifest.version,1.0\n"
                        + "oneroster.version,1.1\nfile." + name.replace(".csv", "") + ",bulk\n");
                Files.copy(csv, alone.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                zips.add(SisDrops.zip(alone, export.resolveSibling("parallel/" + name + ".zip"), null));
            }
        }
        OneRosterReader reader = new OneRosterReader(OneRosterReader.References.ALLOW_EXTERNAL);
        ExecutorService threads = Executors.newFixedThreadPool(zips.size());
        try {
            long t0 = System.nanoTime();
            List<Future<?>> reads = new ArrayList<>();
            for (Path zip : zips) {
                reads.add(threads.submit(() -> {
                    reader.read(zip, error -> { });
                    return null;
                }));
            }
            for (Future<?> read : reads) {
                read.get();
            }
            return (System.nanoTime() - t0) / 1_000_000;
        } finally {
            threads.shutdown();
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
