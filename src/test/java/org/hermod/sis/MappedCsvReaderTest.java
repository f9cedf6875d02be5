package org.hermod.sis;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Properties;
import org.hermod.sis.RecordingSink.Membership;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappedCsvReaderTest {

    private static final Path SHIPPED_MAP = Path.of("mappings/simple-users.properties");

    @TempDir
    Path temp;

    private static RecordingSink read(ColumnMap map, Path file) throws IOException {
        RecordingSink sink = new RecordingSink();
        new MappedCsvReader(map).read(file, sink);
        return sink;
    }

    private static Properties positionalLatin1Map() {
        Properties properties = new Properties();
        properties.setProperty("separator", "tab");
        properties.setProperty("charset", "ISO-8859-1");
        properties.setProperty("header", "false");
        properties.setProperty("column.sourcedId", "1");
        properties.setProperty("column.givenName", "2");
        properties.setProperty("column.familyName", "3");
        properties.setProperty("column.role", "4");
        properties.setProperty("column.group", "5");
        properties.setProperty("groupSeparator", "|");
        properties.setProperty("role.S", "STUDENT");
        properties.setProperty("role.L", "TEACHER");
        return properties;
    }

    @Test
    void shippedMapReadsTheSimpleExport() throws Exception {
        RecordingSink sink = read(ColumnMap.load(SHIPPED_MAP), OneRosterReaderTest.resource("simple/users.csv"));

        assertThat(sink.errors).extracting(RowError::toString).containsExactly(
                "users.csv:8 column 'Startdato': not a date in format dd.MM.yyyy '31.02.2025'",
                "users.csv:9 column 'Rolle': unknown role 'Vikar' (expected one of administration, ekstern, elev,"
                        + " forælder, kursist, lærer, pædagog, teknisk personale, underviser, værge)",
                "users.csv:10 column 'Mobil': letters in phone number '+45 20 11 22 0x'");
        assertThat(sink.userIds()).as("the repeated 1001 is the writer's to find")
                .containsExactly("1001", "1002", "1003", "1004", "1005", "1008", "1001");
        DirectoryImport.Result imported = DirectoryImport.full(writer -> new MappedCsvReader(ColumnMap.load(SHIPPED_MAP))
                .read(OneRosterReaderTest.resource("simple/users.csv"), writer));
        assertThat(imported.errors()).extracting(RowError::toString)
                .contains("users.csv:11 column 'Person-ID': duplicate sourcedId '1001', first seen on line 2");
        assertThat(imported.users()).extracting(u -> u.split(" ")[0]).containsExactly("1001", "1002", "1003", "1004",
                "1005", "1008");
        assertThat(sink.user("1002")).isEqualTo(new SisUser("1002", null, null, "frej0512", "Freja", "Østergaard",
                Role.STUDENT, "+45 20 11 22 02", null, LocalDate.of(2025, 8, 11), LocalDate.of(2025, 12, 19), List.of(),
                new Origin("users.csv", 3, "Person-ID")));
        assertThat(sink.user("1004").role()).isEqualTo(Role.STAFF);
        assertThat(sink.user("1005").role()).isEqualTo(Role.GUARDIAN);
        assertThat(sink.user("1005").username()).isNull();
        assertThat(sink.user("1008").mobile()).isNull();
        assertThat(sink.memberships).containsExactly(
                new Membership("1001", "7.a"), new Membership("1001", "Matematik 7"),
                new Membership("1002", "7.a"),
                new Membership("1003", "7.a"), new Membership("1003", "7.b"), new Membership("1003", "Matematik 7"),
                new Membership("1008", "7.b"), new Membership("1001", "7.b"));
        assertThat(imported.counts().membershipsWritten()).as("not the repeated row's 7.b").isEqualTo(7);
        assertThat(sink.events.indexOf(new Membership("1001", "7.a")))
                .isEqualTo(sink.events.indexOf(sink.user("1001")) + 1);
    }

    @Test
    void mappedColumnMissingFromHeaderSkipsTheFile() throws IOException {
        Path file = temp.resolve("elever.csv");
        Files.writeString(file, "Person-ID;Brugernavn;Fornavn;Efternavn;Rolle;E-mail;Startdato;Slutdato;Hold\n"
                + "1001;soer0417;Søren;Ærøbo;Elev;;;;7.a\n");

        RecordingSink sink = read(ColumnMap.load(SHIPPED_MAP), file);

        assertThat(sink.errors).extracting(RowError::toString)
                .containsExactly("elever.csv:1 column 'Mobil': column mapped to mobile missing from header");
        assertThat(sink.users).isEmpty();
    }

    @Test
    void positionalTabSeparatedLatin1FileWithoutHeader() throws IOException {
        Path file = temp.resolve("export.txt");
        Files.writeString(file, "7\tJürgen\tMüller\tS\t10a|Deutsch\n8\tDörte\tSchröder\tL\t10a\n9\tX\t\tS\t\n", ISO_8859_1);

        RecordingSink sink = read(ColumnMap.of(positionalLatin1Map()), file);

        assertThat(sink.errors).containsExactly(new RowError("export.txt", 3, "#3", "required value missing"));
        assertThat(sink.users).extracting(SisUser::familyName).containsExactly("Müller", "Schröder");
        assertThat(sink.users).extracting(SisUser::role).containsExactly(Role.STUDENT, Role.TEACHER);
        assertThat(sink.memberships).containsExactly(
                new Membership("7", "10a"), new Membership("7", "Deutsch"), new Membership("8", "10a"));
    }

    @Test
    void everyMissingMappedColumnIsNamed() throws IOException {
        Path file = temp.resolve("elever.csv");
        Files.writeString(file, "Person-ID;Fornavn;Efternavn;Rolle\n1;Ida;Kjaer;Elev\n");

        RecordingSink sink = read(ColumnMap.load(SHIPPED_MAP), file);

        assertThat(sink.errors).extracting(RowError::toString).containsExactly(
                "elever.csv:1 column 'Brugernavn': column mapped to username missing from header",
                "elever.csv:1 column 'Mobil': column mapped to mobile missing from header",
                "elever.csv:1 column 'E-mail': column mapped to email missing from header",
                "elever.csv:1 column 'Startdato': column mapped to startDate missing from header",
                "elever.csv:1 column 'Slutdato': column mapped to endDate missing from header",
                "elever.csv:1 column 'Hold': column mapped to group missing from header");
        assertThat(sink.users).isEmpty();
    }

    @Test
    void fileInAnotherCharsetThanMappedStopsAtTheBadLine() throws IOException {
        Path file = temp.resolve("elever.csv");
        Files.writeString(file, "Person-ID;Fornavn;Efternavn;Rolle\n1;Ida;Kjaer;Elev\n2;Søren;Ærøbo;Elev\n", ISO_8859_1);
        Properties minimal = new Properties();
        minimal.setProperty("separator", ";");
        minimal.setProperty("column.sourcedId", "Person-ID");
        minimal.setProperty("column.givenName", "Fornavn");
        minimal.setProperty("column.familyName", "Efternavn");
        minimal.setProperty("column.role", "Rolle");
        minimal.setProperty("role.elev", "STUDENT");
        RecordingSink minimalSink = new RecordingSink();

        assertThatThrownBy(() -> new MappedCsvReader(ColumnMap.of(minimal)).read(file, minimalSink))
                .isInstanceOf(CsvException.class)
                .hasMessage("elever.csv:3 column 'Fornavn': byte 0xF8 not valid UTF-8 (is the file in another charset?)");
        assertThat(minimalSink.errors).isEmpty();
        assertThat(minimalSink.userIds()).containsExactly("1");
    }
}
