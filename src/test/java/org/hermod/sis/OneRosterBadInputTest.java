package org.hermod.sis;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each test swaps one file of the good export for a bad one; errors in other files follow from that. */
class OneRosterBadInputTest {

    @TempDir
    Path temp;

    private RecordingSink readBulkWith(String fileName, String badFixture) throws IOException {
        RecordingSink sink = new RecordingSink();
        new OneRosterReader().read(BadExports.bulkWith(temp, fileName, badFixture), sink);
        return sink;
    }

    @Test
    void latin1UsersFileStopsAtTheFirstUndecodableLine() throws IOException {
        Path export = BadExports.copyOfBulk(temp);
        List<String> lines = Files.readAllLines(export.resolve("users.csv"), UTF_8);
        List<String> asciiFirst = List.of(lines.get(0), lines.get(8), lines.get(11), lines.get(1));
        Files.write(export.resolve("users.csv"), asciiFirst, ISO_8859_1);

        RecordingSink sink = new RecordingSink();

        assertThatThrownBy(() -> new OneRosterReader().read(export, sink))
                .isInstanceOfSatisfying(CsvException.class, e -> assertThat(e.toRowError()).isEqualTo(new RowError(
                        "users.csv", 3, "familyName", "byte 0xE4 not valid UTF-8 (is the file in another charset?)")));
        assertThat(sink.errors).as("the enrollments after it are not read").isEmpty();
        assertThat(sink.userIds()).containsExactly("u-sb-008");
    }

    @Test
    void missingColumnSkipsTheFileWithOneError() throws Exception {
        RecordingSink sink = readBulkWith("users.csv", "users-missing-column.csv");

        assertThat(sink.errorsIn("users.csv")).extracting(RowError::toString)
                .containsExactly("users.csv:1 column 'familyName': required column missing from header");
        assertThat(sink.users).isEmpty();
        assertThat(sink.classes).hasSize(6);
        // references to users are checked where the users are: in the directory writer's staging tables
        Path export = BadExports.bulkWith(temp.resolve("again"), "users.csv", "users-missing-column.csv");
        assertThat(DirectoryImport.full(writer -> new OneRosterReader().read(export, writer)).errorsIn("enrollments.csv"))
                .hasSize(33).allSatisfy(error -> assertThat(error.reason()).startsWith("unknown user"));
    }

    @Test
    void duplicateIdNamesTheFirstLine() throws Exception {
        Path export = BadExports.bulkWith(temp, "users.csv", "users-duplicate-ids.csv");
        DirectoryImport.Result result = DirectoryImport.full(writer -> new OneRosterReader().read(export, writer));

        assertThat(result.errorsIn("users.csv")).containsExactly(
                new RowError("users.csv", 4, "sourcedId", "duplicate sourcedId 'u-1', first seen on line 2"));
        assertThat(result.users()).containsExactly("u-1 Anna", "u-2 Bo", "u-3 Cecilie");
    }

    @Test
    void aRejectedUserLeavesItsIdTakenAndItsEnrollmentsNamedAsRejected() throws Exception {
        Path export = BadExports.copyOfBulk(temp);
        Files.writeString(export.resolve("users.csv"), "sourcedId,orgSourcedIds,role,username,givenName,familyName\n"
                + "u-1,org-sb,student,u1,Anna,Holm\n"
                + "u-2,org-sb,pupil,u2,Bo,Lund\n"
                + "u-2,org-sb,student,u2,Bo,Lund\n");
        Files.writeString(export.resolve("enrollments.csv"), "sourcedId,classSourcedId,userSourcedId,role\n"
                + "enr-1,cls-sb-7a,u-1,student\n"
                + "enr-2,cls-sb-7a,u-2,student\n"
                + "enr-1,cls-sb-7b,u-1,student\n");
        DirectoryImport.Result result = DirectoryImport.full(writer -> new OneRosterReader().read(export, writer));

        assertThat(result.errorsIn("users.csv")).extracting(RowError::toString).containsExactly(
                "users.csv:3 column 'role': unknown role 'pupil' (expected one of " + Role.ONEROSTER_VALUES + ")",
                "users.csv:4 column 'sourcedId': duplicate sourcedId 'u-2', first seen on line 3");
        assertThat(result.errorsIn("enrollments.csv")).extracting(RowError::toString).containsExactly(
                "enrollments.csv:4 column 'sourcedId': duplicate sourcedId 'enr-1', first seen on line 2",
                "enrollments.csv:3 column 'userSourcedId': user 'u-2' was rejected (users.csv:3)");
        assertThat(result.users()).containsExactly("u-1 Anna");
        assertThat(result.counts().membershipsWritten()).isEqualTo(1);
    }

    @Test
    void badDatesRejectTheirRowsAndABadDateLastModifiedIsAWarning() throws IOException {
        RecordingSink sink = readBulkWith("users.csv", "users-bad-dates.csv");

        assertThat(sink.errorsIn("users.csv")).extracting(RowError::toString).containsExactly(
                "users.csv:3 column 'metadata.hermod.endDate': not a date in format yyyy-MM-dd '2025-02-30'",
                "users.csv:4 column 'metadata.hermod.endDate': not a date in format yyyy-MM-dd '19.12.2025'");
        assertThat(sink.warnings).extracting(RowError::toString).containsExactly(
                "users.csv:5 column 'dateLastModified': not an ISO-8601 instant 'yesterday' (a field Hermod does not use: "
                        + "row kept)");
        assertThat(sink.userIds()).containsExactly("u-1", "u-4", "u-5");
        assertThat(sink.user("u-1").endDate()).isEqualTo("2026-06-30");
    }

    @Test
    void badContactFieldsAreReportedButKeepTheUser() throws IOException {
        RecordingSink sink = readBulkWith("users.csv", "users-bad-contacts.csv");

        assertThat(sink.errorsIn("users.csv")).extracting(RowError::toString).containsExactly(
                "users.csv:3 column 'sms': letters in phone number '+45 20 AB 12 34'",
                "users.csv:4 column 'email': not an e-mail address 'x@'",
                "users.csv:5 column 'sms': unexpected character '#' in phone number '20#11#22'",
                "users.csv:6 column 'role': unknown role 'pupil' (expected one of " + Role.ONEROSTER_VALUES + ")");
        assertThat(sink.userIds()).containsExactly("u-1", "u-2", "u-3", "u-4");
        assertThat(sink.user("u-1").mobile()).isEqualTo("+45 20 11 12 34");
        assertThat(sink.user("u-1").email()).isEqualTo("anna@holm.dk");
        assertThat(sink.user("u-2").mobile()).isNull();
        assertThat(sink.user("u-3").email()).isNull();
    }

    @Test
    void userInUnknownOrgIsKeptWithAWarningSinceHermodDoesNotUseAUsersOrgs() throws IOException {
        RecordingSink sink = readBulkWith("users.csv", "users-unknown-org.csv");

        assertThat(sink.errorsIn("users.csv")).isEmpty();
        assertThat(sink.warnings).containsExactly(new RowError("users.csv", 3, "orgSourcedIds",
                "unknown org 'org-xx' (a field Hermod does not use: row kept)"));
        assertThat(sink.userIds()).containsExactly("u-1", "u-2", "u-3");
    }

    @Test
    void anOrgWithANonStandardDateLastModifiedIsTakenWithItsUsersAndClasses() throws IOException {
        Path export = BadExports.copyOfBulk(temp);
        Path orgs = export.resolve("orgs.csv");
        Files.writeString(orgs, Files.readString(orgs).replace("org-sb,,,", "org-sb,,2025-08-01 06:00:00,")
                .replace(",school,SB01,", ",skole,SB01,"));
        RecordingSink sink = new RecordingSink();
        new OneRosterReader().read(export, sink);

        assertThat(sink.errors).isEmpty();
        assertThat(sink.warnings).extracting(RowError::toString).containsExactly(
                "orgs.csv:2 column 'dateLastModified': not an ISO-8601 instant '2025-08-01 06:00:00' (a field Hermod "
                        + "does not use: row kept)",
                "orgs.csv:2 column 'type': 'skole' is not one of department, school, district, local, state, national "
                        + "(a field Hermod does not use: row kept)");
        assertThat(sink.orgs).extracting(SisOrg::sourcedId).contains("org-sb");
        assertThat(sink.users).hasSize(30);
        assertThat(sink.classes).hasSize(6);
    }

    @Test
    void aBadValueOfAFieldHermodUsesStillRejectsTheRow() throws IOException {
        Path export = BadExports.copyOfBulk(temp);
        Path orgs = export.resolve("orgs.csv");
        Files.writeString(orgs, Files.readString(orgs).replace("Sønderborg Friskole", ""));
        RecordingSink sink = new RecordingSink();
        new OneRosterReader().read(export, sink);

        assertThat(sink.errorsIn("orgs.csv")).containsExactly(new RowError("orgs.csv", 2, "name", "required value missing"));
        assertThat(sink.errorsIn("classes.csv")).as("the org is the classes' school").isNotEmpty()
                .allSatisfy(e -> assertThat(e.reason()).isEqualTo("org 'org-sb' was rejected (orgs.csv:2)"));
    }

    @Test
    void classWithUnknownOrgOrTermOrBadTypeIsRejected() throws IOException {
        RecordingSink sink = readBulkWith("classes.csv", "classes-unknown-refs.csv");

        assertThat(sink.errorsIn("classes.csv")).extracting(RowError::toString).containsExactly(
                "classes.csv:3 column 'schoolSourcedId': unknown org 'org-zz'",
                "classes.csv:4 column 'termSourcedIds': unknown term 'as-2030'",
                "classes.csv:5 column 'classType': 'lecture' is not one of homeroom, scheduled");
        assertThat(sink.classes).extracting(SisClass::sourcedId).containsExactly("cls-1", "cls-5");
    }

    @Test
    void enrollmentInARejectedClassNamesWhereTheClassWasRejected() throws IOException {
        Path export = BadExports.bulkWith(temp, "classes.csv", "classes-unknown-refs.csv");
        Files.writeString(export.resolve("enrollments.csv"),
                "sourcedId,classSourcedId,userSourcedId,role\n"
                        + "enr-1,cls-1,u-sb-001,student\n"
                        + "enr-2,cls-2,u-sb-002,student\n");
        RecordingSink sink = new RecordingSink();
        new OneRosterReader().read(export, sink);

        assertThat(sink.errorsIn("enrollments.csv")).containsExactly(new RowError("enrollments.csv", 3,
                "classSourcedId", "class 'cls-2' was rejected (classes.csv:3)"));
        assertThat(sink.enrollments).extracting(SisEnrollment::sourcedId).containsExactly("enr-1");
    }

    @Test
    void enrollmentWithUnknownClassOrUserIsRejected() throws Exception {
        Path export = BadExports.bulkWith(temp, "enrollments.csv", "enrollments-unknown-refs.csv");
        DirectoryImport.Result result = DirectoryImport.full(writer -> new OneRosterReader().read(export, writer));

        // the class by the reader (classes are few), the user by the writer (users are many)
        assertThat(result.errors()).containsExactly(
                new RowError("enrollments.csv", 3, "classSourcedId", "unknown class 'cls-nope'"),
                new RowError("enrollments.csv", 4, "userSourcedId", "unknown user 'u-nobody'"));
        assertThat(result.counts().membershipsWritten()).isEqualTo(2);
    }

    @Test
    void lineBreakInsideQuotesKeepsLaterLineNumbersPhysical() throws IOException {
        RecordingSink sink = readBulkWith("users.csv", "users-multiline.csv");

        assertThat(sink.errorsIn("users.csv")).containsExactly(
                new RowError("users.csv", 5, "email", "not an e-mail address 'x@'"));
        assertThat(sink.userIds()).containsExactly("u-1", "u-2", "u-3", "u-4");
        assertThat(sink.user("u-2").familyName()).isEqualTo("Lund\nSchmidt");
    }

    @Test
    void unclosedQuoteEndsTheFileAfterTheGoodRows() throws IOException {
        RecordingSink sink = new RecordingSink();
        Path export = BadExports.bulkWith(temp, "users.csv", "users-unclosed-quote.csv");

        assertThatThrownBy(() -> new OneRosterReader().read(export, sink)).isInstanceOf(CsvException.class)
                .hasMessage("users.csv:4 column 'givenName': quoted field never closed (is the file cut short?)");
        assertThat(sink.userIds()).containsExactly("u-1", "u-2");
    }
}
