package org.hermod.sis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.hermod.testing.HermodApp;
import org.hermod.testing.Http;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hermod runs as its own JVM and is killed with SIGKILL while it imports a large OneRoster export: once while it
 * reads and stages the file, once while it merges the staged rows into the directory. The directory must then be
 * exactly as before (nothing of the file), and a new process imports the file (still in the drop folder) once: the
 * directory is then complete, and the file is recorded as applied exactly once.
 */
class SisCrashIT {

    private static final int USERS = 20_000;
    private static final int CLASSES = 1_000;
    private static final int ENROLLMENTS = 40_000;

    @TempDir
    Path temp;

    /** When the process is killed, seen from the database. */
    enum KillPoint {
        /** Progress is committed apart from the import: the file is well under way. */
        READING("select count(*) from sis_import where status = 'RUNNING' and rows_read >= 8000"),
        /** The import's connection is writing the staged memberships into the directory. */
        MERGING("select count(*) from pg_stat_activity where query like 'insert into dir_membership%'");

        final String sql;

        KillPoint(String sql) {
            this.sql = sql;
        }
    }

    @ParameterizedTest
    @EnumSource(KillPoint.class)
    void killDashNineMidImportLeavesTheDirectoryAsBeforeAndTheRestartImportsTheFileOnce(KillPoint when) throws Exception {
        String db = TestDatabases.postgres();
        Path folder = temp.resolve("drop");
        Files.createDirectories(folder);
        Path zip = SisDrops.zip(OneRosterGenerator.write(temp.resolve("export"), USERS, CLASSES, ENROLLMENTS),
                temp.resolve("big.zip"), null);

        Child first = start(db, folder, "first");
        try {
            awaitApi(first.port());
            SisDrops.drop(zip, folder, "big.zip");
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(10)).until(() -> count(db, when.sql) > 0);
        } finally {
            first.process().destroyForcibly(); // SIGKILL on Linux
            first.process().waitFor();
        }
        assertThat(count(db, "select count(*) from dir_user")).as("nothing of the file after the kill").isZero();
        assertThat(count(db, "select count(*) from dir_group")).isZero();
        assertThat(count(db, "select count(*) from dir_membership")).isZero();
        assertThat(count(db, "select count(*) from sis_file")).isZero();
        assertThat(Files.exists(folder.resolve("big.zip"))).as("the file is still waiting").isTrue();

        Child second = start(db, folder, "second");
        try {
            awaitApi(second.port());
            await().atMost(Duration.ofSeconds(180)).until(() ->
                    count(db, "select count(*) from sis_import where status = 'DONE'") == 1);
            SisDrops.awaitProcessed(folder, "big.zip");
        } finally {
            second.process().destroy();
            second.process().waitFor();
        }
        assertThat(count(db, "select count(*) from dir_user")).isEqualTo(USERS);
        assertThat(count(db, "select count(*) from dir_group")).isEqualTo(CLASSES);
        assertThat(count(db, "select count(*) from dir_membership")).isEqualTo(ENROLLMENTS);
        assertThat(count(db, "select count(*) from sis_file")).as("applied exactly once").isEqualTo(1);
        assertThat(count(db, "select count(*) from sis_import where status = 'FAILED' "
                + "and message like 'the process stopped%'")).isEqualTo(1);
        assertThat(count(db, "select count(*) from sis_import where status = 'DONE'")).isEqualTo(1);
    }

    private record Child(Process process, int port) {
    }

    private static Child start(String db, Path folder, String name) throws IOException {
        int port = HermodApp.freePort();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "-Dhermod.db.url=" + db, "-Dhermod.db.user=postgres", "-Dhermod.api.port=" + port,
                "-Dhermod.spool.dir=" + folder.resolveSibling("spool"), "-Dhermod.admin.password=" + HermodApp.ADMIN_PASSWORD,
                "-Dhermod.sis.imports[0].name=big", "-Dhermod.sis.imports[0].folder=" + folder,
                "-Dhermod.sis.imports[0].welcome=false", "-Dhermod.sis.poll-interval=200ms",
                "-Dhermod.sis.read-lock-check-interval=200", "-Dhermod.sis.read-lock-min-age=200ms",
                "-Dhermod.sis.progress-every=2000", "org.hermod.Hermod"));
        File log = new File("target/sis-crash-" + name + ".log");
        return new Child(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start(), port);
    }

    /** The API answers (not /observe/health: a file consumer is DOWN until its first poll, i.e. the import, is over). */
    private static void awaitApi(int port) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            try {
                return Http.anonymous(port).get("/api/imports").status() == 401;
            } catch (IllegalStateException notYet) {
                return false;
            }
        });
    }

    private static long count(String db, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(db, "postgres", ""); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
