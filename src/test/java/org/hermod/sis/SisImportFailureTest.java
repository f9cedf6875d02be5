package org.hermod.sis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.hermod.outbox.MobilePrefixes;
import org.hermod.testing.HermodApp;
import org.hermod.testing.TestDatabases;
import org.hermod.tenant.Tenants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An import that dies of an {@link Error} while it reads (here an OutOfMemoryError after five users, thrown where a
 * real one would surface: in the reader's call into the writer) ends FAILED with its report and applies nothing. The
 * importer runs on the real application's database; only its reading step is wrapped (its explicit seam).
 */
class SisImportFailureTest {

    @TempDir
    Path temp;
    private HermodApp app;

    @BeforeEach
    void start() {
        app = HermodApp.on(TestDatabases.h2()).start();
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void anImportThatDiesOfAnErrorEndsFailedWithItsReportAndAppliesNothing() throws Exception {
        Path folder = temp.resolve("drop");
        Files.createDirectories(folder);
        SisImportSettings settings = new SisImportSettings("sb", "sb", "default", folder, SisImportSettings.Format.ONEROSTER,
                null, true, false, Duration.ofDays(14), false, 10);
        SisImporter.Reading dying = (s, file, limits, sink) -> SisImporter.readFile(s, file, limits, new Sink() {
            private int users;

            @Override
            public void onUser(SisUser user) {
                if (++users > 5) {
                    throw new OutOfMemoryError("Java heap space");
                }
                sink.onUser(user);
            }

            @Override
            public void onError(RowError error) {
                sink.onError(error);
            }
        });
        Clock clock = Clock.systemUTC();
        SisImporter importer = new SisImporter(app.jdbc(), clock, new Tenants(app.jdbc(), clock),
                new MobilePrefixes(app.jdbc(), clock), "45", List.of(settings), 100, 1000, ReadLimits.DEFAULT, dying);
        Path zip = SisDrops.zip(SisDrops.fixture("oneroster-bulk"), temp.resolve("export.zip"), null);

        assertThatThrownBy(() -> importer.importFile(settings, zip)).isInstanceOf(OutOfMemoryError.class);

        assertThat(app.jdbc().query("select status, message from sis_import", rs -> rs.getString(1) + ": " + rs.getString(2)))
                .containsExactly("FAILED: the import failed (java.lang.OutOfMemoryError: Java heap space): nothing applied");
        long id = app.count("select max(id) from sis_import");
        assertThat(Files.readAllLines(folder.resolve("error/" + id + "-export.zip.report.csv"))).containsExactly(
                ImportLog.REPORT_HEADER, "export.zip,0,,the import failed (java.lang.OutOfMemoryError: Java heap space): "
                        + "nothing applied");
        assertThat(app.count("select count(*) from dir_user")).as("nothing applied").isZero();
        assertThat(app.count("select count(*) from sis_file")).isZero();
        try (Stream<Path> partial = Files.list(folder.resolve(".reports"))) {
            assertThat(partial).isEmpty();
        }
    }
}
