package org.hermod.sis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OneRosterReaderTest {

    @TempDir
    Path temp;

    static Path resource(String name) {
        try {
            return Path.of(OneRosterReaderTest.class.getResource("/sis/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RecordingSink read(Path export) throws IOException {
        return read(export, OneRosterReader.References.BY_MANIFEST);
    }

    private static RecordingSink read(Path export, OneRosterReader.References references) throws IOException {
        RecordingSink sink = new RecordingSink();
        new OneRosterReader(references).read(export, sink);
        return sink;
    }

    @Test
    void readsTheBulkExportWithoutErrors() throws IOException {
        RecordingSink sink = read(resource("oneroster-bulk"));

        assertThat(sink.errors).isEmpty();
        assertThat(sink.sessions).hasSize(3);
        assertThat(sink.orgs).extracting(SisOrg::name)
                .containsExactly("Sønderborg Friskole", "Duborg-Skolen, Flensborg");
        assertThat(sink.classes).hasSize(6);
        assertThat(sink.users).hasSize(30);
        assertThat(sink.enrollments).hasSize(33);
    }

    @Test
    void handsOutFilesInDependencyOrder() throws IOException {
        List<Class<?>> kinds = read(resource("oneroster-bulk")).events.stream()
                .<Class<?>>map(Object::getClass).distinct().toList();

        assertThat(kinds).containsExactly(
                SisSession.class, SisOrg.class, SisClass.class, SisUser.class, SisEnrollment.class);
    }

    @Test
    void mapsUserFields() throws IOException {
        RecordingSink sink = read(resource("oneroster-bulk"));

        assertThat(sink.user("u-x-t01")).isEqualTo(new SisUser("u-x-t01", null, null, "kjensen", "Klaus",
                "Jensen-Möller, Dr.", Role.TEACHER, "+49 160 9876020", "klaus.jensen-moeller@skoleforeningen.de",
                null, null, List.of("org-sb", "org-dub"), new Origin("users.csv", 23, "sourcedId")));
        assertThat(sink.user("u-sb-001").familyName()).isEqualTo("Ærøbo");
        assertThat(sink.user("u-dub-003").familyName()).isEqualTo("Weiß");
        assertThat(sink.user("u-sb-005").endDate()).isEqualTo(LocalDate.of(2025, 12, 19));
        assertThat(sink.user("u-sb-003").mobile()).as("sms empty: phone").isEqualTo("+45 74 42 10 03");
        assertThat(sink.user("u-sb-a01").role()).isEqualTo(Role.STAFF);
        assertThat(sink.user("u-dub-a01").role()).as("aide").isEqualTo(Role.STAFF);
        assertThat(sink.user("u-dub-g02").role()).as("relative").isEqualTo(Role.GUARDIAN);
        assertThat(sink.user("u-sb-g01").role()).as("parent").isEqualTo(Role.GUARDIAN);
    }

    @Test
    void mapsClassesSessionsAndEnrollments() throws IOException {
        RecordingSink sink = read(resource("oneroster-bulk"));

        assertThat(sink.classes).contains(new SisClass("cls-dub-de10", "Deutsch \"Leistungskurs\" 10", "scheduled",
                "org-dub", List.of("as-2025-t2")));
        assertThat(sink.classes.get(0).termSourcedIds()).containsExactly("as-2025-t1", "as-2025-t2");
        assertThat(sink.sessions).contains(new SisSession("as-2025-t1", "Efterår 2025", "term",
                LocalDate.of(2025, 8, 1), LocalDate.of(2026, 1, 31)));
        assertThat(sink.enrollments).contains(new SisEnrollment("enr-005", "cls-sb-7a", "u-sb-005",
                Role.STUDENT, LocalDate.of(2025, 8, 11), LocalDate.of(2025, 12, 19), null,
                new Origin("enrollments.csv", 6, "sourcedId")));
    }

    @Test
    void readsTheSameExportFromAZip() throws IOException {
        Path zip = temp.resolve("export.zip");
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream zipped = new ZipOutputStream(out);
             Stream<Path> files = Files.list(resource("oneroster-bulk"))) {
            for (Path file : files.sorted().toList()) {
                zipped.putNextEntry(new ZipEntry(file.getFileName().toString()));
                Files.copy(file, zipped);
                zipped.closeEntry();
            }
        }

        assertThat(read(zip).events).isEqualTo(read(resource("oneroster-bulk")).events);
    }

    @Test
    void deltaExportMayReferToIdsOutsideTheExport() throws IOException {
        RecordingSink sink = read(resource("oneroster-delta"));

        assertThat(sink.userIds()).containsExactly("u-sb-010", "u-sb-005", "u-sb-002");
        assertThat(sink.user("u-sb-005").status()).isEqualTo("tobedeleted");
        assertThat(sink.user("u-sb-005").dateLastModified()).isEqualTo(Instant.parse("2025-12-19T16:00:00Z"));
        assertThat(sink.enrollments).extracting(SisEnrollment::sourcedId).containsExactly("enr-100", "enr-005", "enr-101",
                "enr-013", "enr-104");
        assertThat(sink.errors).as("dateLastModified is not used by Hermod: a delta need not have it").containsExactly(
                new RowError("users.csv", 5, "status", "required value missing"));
    }

    @Test
    void deltaReferencesCanBeCheckedStrictly() throws IOException {
        RecordingSink sink = read(resource("oneroster-delta"), OneRosterReader.References.CHECK);

        assertThat(sink.warnings).contains(new RowError("users.csv", 2, "orgSourcedIds",
                "unknown org 'org-sb' (a field Hermod does not use: row kept)"));
        assertThat(sink.errorsIn("enrollments.csv")).contains(
                new RowError("enrollments.csv", 2, "classSourcedId", "unknown class 'cls-sb-7b'"));
        assertThat(sink.userIds()).as("a user's orgs are not used").containsExactly("u-sb-010", "u-sb-005", "u-sb-002");
    }

    @Test
    void missingManifestIsOneError() throws IOException {
        RecordingSink sink = read(temp);

        assertThat(sink.errors).extracting(RowError::toString)
                .containsExactly("manifest.csv: missing: not a OneRoster CSV export");
    }

    @Test
    void fileListedButMissingIsReportedAndTheRestRead() throws IOException {
        Path export = BadExports.copyOfBulk(temp);
        Files.delete(export.resolve("courses.csv"));

        RecordingSink sink = read(export);

        assertThat(sink.errorsIn("courses.csv")).extracting(RowError::toString)
                .containsExactly("courses.csv: listed in manifest as bulk but missing");
        assertThat(sink.errorsIn("classes.csv")).isEmpty();
        assertThat(sink.warnings).as("a class's course is not used").hasSize(6)
                .allSatisfy(warning -> assertThat(warning.reason()).startsWith("unknown course"));
        assertThat(sink.users).hasSize(30);
    }
}
