package org.hermod.sis;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.hermod.testing.HermodApp;
import org.hermod.testing.Http;
import org.hermod.testing.MutableClock;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files a full import must not apply, end to end on the real application (issue 13): one that cannot be read to
 * its end, one over a limit, one in which no user row is good, an empty one. Each is rejected with its report and
 * leaves the directory as it was: above all, no user is ended. And one whose only fault is in a field Hermod does not
 * use, which is applied with a warning.
 */
class SisBadFileTest {

    private static final Instant NOW = Instant.parse("2026-01-12T08:00:00Z");
    private static final String HEADER = "Person-ID;Brugernavn;Fornavn;Efternavn;Rolle;Mobil;E-mail;Startdato;Slutdato;Hold";

    @TempDir
    Path temp;
    private Path oneRoster;
    private Path mapped;
    private HermodApp app;
    private Http admin;
    private final MutableClock clock = new MutableClock(NOW);

    @BeforeEach
    void start() {
        oneRoster = temp.resolve("drop");
        mapped = temp.resolve("drop-mapped");
        app = start(TestDatabases.h2());
    }

    private HermodApp start(String database) {
        HermodApp started = HermodApp.on(database).bean("clock", clock)
                .with("hermod.sis.imports[0].name", "sb")
                .with("hermod.sis.imports[0].folder", oneRoster.toString())
                .with("hermod.sis.imports[0].welcome", "false")
                .with("hermod.sis.imports[1].name", "elever")
                .with("hermod.sis.imports[1].folder", mapped.toString())
                .with("hermod.sis.imports[1].format", "mapped")
                .with("hermod.sis.imports[1].mapping", "mappings/simple-users.properties")
                .with("hermod.sis.imports[1].welcome", "false")
                .with("hermod.sis.max-uncompressed-mb", "1")
                .with("hermod.sis.poll-interval", "100ms")
                .with("hermod.sis.read-lock-check-interval", "100")
                .with("hermod.sis.read-lock-min-age", "100ms")
                .start();
        admin = started.admin();
        return started;
    }

    @AfterEach
    void stop() {
        app.close();
    }

    /** A mapped export of {@code users} pupils, one a line after the header (pupil i on line i + 1). */
    private static String pupils(int users) {
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        for (int i = 1; i <= users; i++) {
            csv.append(i).append(";user").append(i).append(";Given").append(i).append(";Family").append(i)
                    .append(";Elev;;;11.08.2025;;7.a\n");
        }
        return csv.toString();
    }

    private Path file(String name, byte[] content) throws Exception {
        Path file = temp.resolve("files/" + name);
        Files.createDirectories(file.getParent());
        return Files.write(file, content);
    }

    private JsonNode importOf(Path folder, Path file, String name) throws Exception {
        SisDrops.drop(file, folder, name);
        SisDrops.awaitProcessed(folder, name);
        Http.Response list = admin.get("/api/imports?tenant=default");
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        return admin.get("/api/imports/" + list.json().get(0).get("id").asLong()).json();
    }

    private List<String> report(Path folder, JsonNode imp) throws Exception {
        return Files.readAllLines(folder.resolve("error/" + imp.get("id").asLong() + "-" + imp.get("file").asText()
                + ".report.csv"));
    }

    /** Each user of {@code source} with the end date the directory gives it. */
    private List<String> endDates(String source) {
        return app.jdbc().query("select sis_id, end_date from dir_user where source = ? order by sis_id",
                rs -> rs.getString(1) + " " + rs.getObject(2), source);
    }

    private void assertRejected(JsonNode imp, Path folder) {
        assertThat(imp.get("status").asText()).as(imp.toString()).isEqualTo("REJECTED");
        assertThat(Files.exists(folder.resolve("error/" + imp.get("id").asLong() + "-" + imp.get("file").asText())))
                .as("the file is in error/").isTrue();
    }

    /** The bulk fixture imported (two of its users carry an end date): returns their end dates. */
    private List<String> bulkImported() throws Exception {
        JsonNode first = importOf(oneRoster, SisDrops.zip(SisDrops.fixture("oneroster-bulk"), temp.resolve("zips/bulk.zip"),
                null), "bulk.zip");
        assertThat(first.get("status").asText()).isEqualTo("DONE");
        assertThat(app.count("select count(*) from dir_user where source = 'sb'")).isEqualTo(30);
        return endDates("sb");
    }

    @Test
    void oneLatin1ByteInTheMiddleOfAMappedFullImportRejectsTheFileAndEndsNobody() throws Exception {
        JsonNode first = importOf(mapped, file("all.csv", pupils(100).getBytes(UTF_8)), "all.csv");
        assertThat(first.get("usersInserted").asLong()).as(first.toString()).isEqualTo(100);

        // the same export again, but with a Latin-1 'ø' in the given name of pupil 49, on line 50
        String text = pupils(100).replace(";Given49;", ";Søren;");
        JsonNode second = importOf(mapped, file("latin1.csv", text.getBytes(ISO_8859_1)), "latin1.csv");

        assertRejected(second, mapped);
        assertThat(second.get("message").asText()).contains("could not be read to its end");
        assertThat(report(mapped, second)).containsExactly(ImportLog.REPORT_HEADER,
                "latin1.csv,50,Fornavn,byte 0xF8 not valid UTF-8 (is the file in another charset?)");
        assertThat(second.get("rowErrors").get(0).get("line").asInt()).isEqualTo(50);
        assertThat(app.count("select count(*) from dir_user where end_date is not null")).as("nobody after line 50 ended")
                .isZero();
        assertThat(app.count("select count(*) from dir_user where source = 'elever'")).isEqualTo(100);
    }

    @Test
    void oneLatin1ByteInTheMiddleOfAOneRosterZipRejectsTheFileAndEndsNobody() throws Exception {
        List<String> before = bulkImported();
        Path export = BadExports.copyOfBulk(temp.resolve("latin1"));
        Path users = export.resolve("users.csv");
        List<String> lines = Files.readAllLines(users, UTF_8);
        // line 10 ends in one Latin-1 'æ' (0xE6); everything else stays UTF-8
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < lines.size(); i++) {
            bytes.write(lines.get(i).getBytes(UTF_8));
            if (i == 9) {
                bytes.write("\u00e6".getBytes(ISO_8859_1));
            }
            bytes.write('\n');
        }
        Files.write(users, bytes.toByteArray());

        JsonNode imp = importOf(oneRoster, SisDrops.zip(export, temp.resolve("zips/latin1.zip"), null), "latin1.zip");

        assertRejected(imp, oneRoster);
        assertThat(report(oneRoster, imp)).hasSize(2).last().asString()
                .startsWith("users.csv,10,").endsWith("byte 0xE6 not valid UTF-8 (is the file in another charset?)");
        assertThat(endDates("sb")).as("no user ended").isEqualTo(before);
    }

    @Test
    void aMappedFileCutShortInsideAQuoteRejectsTheFile() throws Exception {
        importOf(mapped, file("all.csv", pupils(60).getBytes(UTF_8)), "all.csv");
        String cut = pupils(60).replace(";Family30;", ";\"Family30 ") ;
        cut = cut.substring(0, cut.indexOf("\"Family30 ") + 14);

        JsonNode imp = importOf(mapped, file("cut.csv", cut.getBytes(UTF_8)), "cut.csv");

        assertRejected(imp, mapped);
        assertThat(report(mapped, imp)).containsExactly(ImportLog.REPORT_HEADER,
                "cut.csv,31,Efternavn,quoted field never closed (is the file cut short?)");
        assertThat(app.count("select count(*) from dir_user where end_date is not null")).as("no user ended").isZero();
    }

    @Test
    void aTruncatedZipIsRejected() throws Exception {
        List<String> before = bulkImported();
        byte[] zip = Files.readAllBytes(SisDrops.zip(SisDrops.fixture("oneroster-bulk"), temp.resolve("zips/whole.zip"), "w"));
        JsonNode imp = importOf(oneRoster, file("half.zip", Arrays.copyOf(zip, zip.length / 2)), "half.zip");

        assertRejected(imp, oneRoster);
        assertThat(report(oneRoster, imp)).hasSize(2).last().asString().startsWith("half.zip,0,,cannot be read: ");
        assertThat(endDates("sb")).as("no user ended").isEqualTo(before);
    }

    @Test
    void aFullImportInWhichEveryUserRowIsBadEndsNobody() throws Exception {
        importOf(mapped, file("all.csv", pupils(20).getBytes(UTF_8)), "all.csv");
        JsonNode imp = importOf(mapped, file("bad.csv", pupils(20).replace(";Elev;", ";Pupil;").getBytes(UTF_8)), "bad.csv");

        assertRejected(imp, mapped);
        assertThat(imp.get("errors").asLong()).isEqualTo(20);
        assertThat(imp.get("message").asText()).startsWith("no user row could be taken (20 bad row(s))");
        assertThat(report(mapped, imp)).hasSize(21);
        assertThat(app.count("select count(*) from dir_user where end_date is not null")).as("no user ended").isZero();
    }

    private static Path zipWithUsers(Path temp, String name, byte[] users) throws Exception {
        Path export = BadExports.copyOfBulk(temp.resolve(name));
        Path zip = temp.resolve("zips/" + name + ".zip");
        Files.createDirectories(zip.getParent());
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out);
             Stream<Path> files = Files.list(export)) {
            for (Path f : files.sorted().toList()) {
                z.putNextEntry(new ZipEntry(f.getFileName().toString()));
                z.write(f.getFileName().toString().equals("users.csv") ? users : Files.readAllBytes(f));
                z.closeEntry();
            }
        }
        return zip;
    }

    @Test
    void aRecordOfMegabytesOfNulBytesIsRejectedAtTheRecordLimit() throws Exception {
        List<String> before = bulkImported();
        ByteArrayOutputStream users = new ByteArrayOutputStream();
        users.write("sourcedId,orgSourcedIds,role,username,givenName,familyName\n".getBytes(UTF_8));
        users.write(new byte[8 * 1024 * 1024]);
        JsonNode imp = importOf(oneRoster, zipWithUsers(temp, "nul", users.toByteArray()), "nul.zip");

        assertRejected(imp, oneRoster);
        assertThat(report(oneRoster, imp)).containsExactly(ImportLog.REPORT_HEADER, "users.csv,2,sourcedId,record longer than "
                + "65536 characters (hermod.sis.max-record-length): is this the right file?");
        assertThat(endDates("sb")).as("no user ended").isEqualTo(before);
    }

    @Test
    void aZipEntryThatExpandsMoreThanTheRatioIsRejected() throws Exception {
        List<String> before = bulkImported();
        ByteArrayOutputStream users = new ByteArrayOutputStream();
        users.write("sourcedId,orgSourcedIds,role,username,givenName,familyName\n".getBytes(UTF_8));
        users.write("\n".repeat(900_000).getBytes(UTF_8)); // within 1 MiB, but over 100 times its few compressed bytes
        JsonNode imp = importOf(oneRoster, zipWithUsers(temp, "bomb", users.toByteArray()), "bomb.zip");

        assertRejected(imp, oneRoster);
        assertThat(report(oneRoster, imp)).hasSize(2).last().asString().startsWith("users.csv,")
                .contains("(hermod.sis.max-compression-ratio)");
        assertThat(endDates("sb")).as("no user ended").isEqualTo(before);
    }

    @Test
    void anExportOverTheUncompressedLimitIsRejected() throws Exception {
        List<String> before = bulkImported();
        Path big = OneRosterGenerator.write(temp.resolve("big"), 12_000, 10, 10); // about 1.4 MB of users.csv
        JsonNode imp = importOf(oneRoster, SisDrops.zip(big, temp.resolve("zips/big.zip"), null), "big.zip");

        assertRejected(imp, oneRoster);
        assertThat(report(oneRoster, imp)).hasSize(2).last().asString().startsWith("users.csv,")
                .endsWith("the file holds more than 1048576 bytes uncompressed (hermod.sis.max-uncompressed-size)");
        assertThat(app.count("select count(*) from dir_user")).isEqualTo(30);
        assertThat(endDates("sb")).as("no user ended").isEqualTo(before);
    }

    @Test
    void anOrgWithANonStandardDateLastModifiedIsAppliedWithAWarningInTheReport() throws Exception {
        Path export = BadExports.copyOfBulk(temp.resolve("lenient"));
        Path orgs = export.resolve("orgs.csv");
        Files.writeString(orgs, Files.readString(orgs).replace("org-sb,,,", "org-sb,,2025-08-01 06:00:00,"));

        JsonNode imp = importOf(oneRoster, SisDrops.zip(export, temp.resolve("zips/lenient.zip"), null), "lenient.zip");

        assertThat(imp.get("status").asText()).as(imp.toString()).isEqualTo("DONE");
        assertThat(imp.get("errors").asLong()).isZero();
        assertThat(app.count("select count(*) from dir_user where source = 'sb'")).as("the org's users too").isEqualTo(30);
        assertThat(Files.readAllLines(oneRoster.resolve("done/" + imp.get("id").asLong() + "-lenient.zip.report.csv")))
                .containsExactly(ImportLog.REPORT_HEADER, "orgs.csv,2,dateLastModified,warning: not an ISO-8601 instant "
                        + "'2025-08-01 06:00:00' (a field Hermod does not use: row kept)");
    }

    @Test
    void anEmptyFileIsRejectedWithAReportAndNoLockLeftBehind() throws Exception {
        JsonNode imp = importOf(oneRoster, file("empty.zip", new byte[0]), "empty.zip");

        assertRejected(imp, oneRoster);
        assertThat(report(oneRoster, imp)).containsExactly(ImportLog.REPORT_HEADER, "empty.zip,0,,empty file (0 bytes): not an export");
        try (Stream<Path> left = Files.list(oneRoster)) {
            assertThat(left.map(p -> p.getFileName().toString())).doesNotContain("empty.zip", "empty.zip.camelLock");
        }
    }

    @Test
    void onRestartAnImportLeftRunningEndsFailedWithTheReasonAndItsPartialReportIsDeleted() throws Exception {
        app.jdbc().update("insert into sis_import (tenant_id, source, file_name, checksum, format, mode, status, started_at) "
                + "values ('default', 'sb', 'crashed.zip', 'x', 'oneroster', 'full', 'RUNNING', ?)", NOW);
        long id = app.count("select max(id) from sis_import");
        Files.createDirectories(oneRoster.resolve(".reports"));
        Path partial = Files.writeString(oneRoster.resolve(".reports/.import-" + id + ".report.csv"),
                ImportLog.REPORT_HEADER + "\nusers.csv,7,email,not an e-mail address 'x@'\n");
        String database = app.dbUrl();
        app.close();

        app = start(database);

        assertThat(app.jdbc().query("select status, message, finished_at from sis_import where id = ?",
                rs -> rs.getString(1) + ": " + rs.getString(2) + (rs.getObject(3) == null ? "" : " (finished)"), id))
                .containsExactly("FAILED: the process stopped during this import (crash, kill or shutdown): nothing was "
                        + "applied; the file, if still in the folder, is imported again (finished)");
        assertThat(partial).doesNotExist();
    }
}
