package org.hermod.sis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.hermod.db.Database;
import org.hermod.testing.HermodApp;
import org.hermod.testing.Http;
import org.hermod.testing.MutableClock;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file drop end to end on the real application: OneRoster zips dropped into a folder are imported into the
 * directory, moved to done/ or error/ with a report, and listed by GET /api/imports.
 */
class SisImportTest {

    private static final Instant NOW = Instant.parse("2026-01-12T08:00:00Z");

    @TempDir
    Path temp;
    private Path folder;
    private Path deltaFolder;
    private HermodApp app;
    private Http admin;
    private final MutableClock clock = new MutableClock(NOW);

    /** The database URL; {@link SisImportPostgresIT} runs the same on embedded PostgreSQL (its own merge SQL). */
    String database() {
        return TestDatabases.h2();
    }

    @BeforeEach
    void start() {
        start("hermod.sis.max-end-percent", "10");
    }

    /** Hermod with the two imports of these tests, and {@code setting} (a key and its value) on top. */
    private void start(String key, String value) {
        folder = temp.resolve("drop");
        deltaFolder = temp.resolve("drop-delta");
        app = HermodApp.on(database()).bean("clock", clock).with(key, value)
                .with("hermod.sis.imports[0].name", "sb")
                .with("hermod.sis.imports[0].folder", folder.toString())
                .with("hermod.sis.imports[0].grace", "14d")
                .with("hermod.sis.imports[0].welcome", "false")
                .with("hermod.sis.imports[1].name", "sb-delta")
                .with("hermod.sis.imports[1].source", "sb")
                .with("hermod.sis.imports[1].folder", deltaFolder.toString())
                .with("hermod.sis.imports[1].mode", "delta")
                .with("hermod.sis.imports[1].welcome", "false")
                .with("hermod.sis.poll-interval", "100ms")
                .with("hermod.sis.read-lock-check-interval", "100")
                .with("hermod.sis.read-lock-min-age", "100ms")
                .with("hermod.sis.batch-size", "7")
                .start();
        admin = app.admin();
    }

    @AfterEach
    void stop() {
        app.close();
    }

    private Path bulkZip(String comment) throws Exception {
        return SisDrops.zip(SisDrops.fixture("oneroster-bulk"), temp.resolve("zips/" + comment + ".zip"), comment);
    }

    private JsonNode lastImport() {
        Http.Response list = admin.get("/api/imports?tenant=default");
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        return admin.get("/api/imports/" + list.json().get(0).get("id").asLong()).json();
    }

    @Test
    void importsABulkExportThenAnUnchangedOneWritesNothingAndTheSameFileTwiceIsADuplicate() throws Exception {
        Path zip = bulkZip("first");
        SisDrops.drop(zip, folder, "export1.zip");
        Path done = SisDrops.awaitProcessed(folder, "export1.zip");
        assertThat(done.getParent().getFileName().toString()).isEqualTo("done");
        JsonNode first = lastImport();
        assertThat(first.get("status").asText()).isEqualTo("DONE");
        assertThat(first.get("usersInserted").asLong()).isEqualTo(30);
        assertThat(first.get("errors").asLong()).as(first.toString()).isZero();
        assertThat(app.count("select count(*) from dir_user where tenant_id = 'default' and source = 'sb'")).isEqualTo(30);
        assertThat(app.count("select count(*) from dir_group where source = 'sb'")).isEqualTo(6);
        assertThat(app.count("select count(*) from dir_membership")).isEqualTo(33);
        assertThat(app.jdbc().query("select mobile_norm from dir_user where sis_id = 'u-sb-001'", rs -> rs.getString(1)))
                .containsExactly("+4520112201");
        assertThat(app.jdbc().query("select name, kind, school from dir_group where sis_id = 'cls-sb-7a'",
                rs -> rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3))).containsExactly("7.a|CLASS|Sønderborg Friskole");
        assertThat(Files.readString(done.resolveSibling(first.get("id").asLong() + "-export1.zip.report.csv")))
                .isEqualTo(ImportLog.REPORT_HEADER + "\n");

        // same bytes again: a duplicate by checksum, nothing done
        SisDrops.drop(zip, folder, "export2.zip");
        assertThat(SisDrops.awaitProcessed(folder, "export2.zip").getParent().getFileName().toString()).isEqualTo("done");
        assertThat(lastImport().get("status").asText()).isEqualTo("DUPLICATE");

        // same content, other bytes (a new export of an unchanged SIS): read, compared, nothing written
        clock.set(NOW.plusSeconds(3600));
        SisDrops.drop(bulkZip("second"), folder, "export3.zip");
        SisDrops.awaitProcessed(folder, "export3.zip");
        JsonNode again = lastImport();
        assertThat(again.get("status").asText()).isEqualTo("DONE");
        assertThat(again.get("rows").asLong()).isEqualTo(first.get("rows").asLong());
        assertThat(List.of(again.get("usersInserted").asLong(), again.get("usersUpdated").asLong(),
                again.get("usersEnded").asLong(), again.get("groupsWritten").asLong(), again.get("membershipsWritten").asLong()))
                .containsOnly(0L);
        assertThat(app.count("select count(*) from dir_user where last_seen_at > ?", java.time.LocalDateTime.of(2026, 1, 12, 8, 0)))
                .as("no user row touched").isZero();
    }

    @Test
    void aLargeFirstImportKeepsTheDirectorysForeignKeys() throws Exception {
        // over 10,000 new memberships: on PostgreSQL their keys are checked in one pass, not row by row
        Path export = OneRosterGenerator.write(temp.resolve("large"), 4_000, 100, 12_000);
        SisDrops.drop(SisDrops.zip(export, temp.resolve("zips/large.zip"), null), folder, "large.zip");
        SisDrops.awaitProcessed(folder, "large.zip");
        JsonNode large = lastImport();
        assertThat(large.get("status").asText()).as(large.toString()).isEqualTo("DONE");
        assertThat(app.count("select count(*) from dir_membership m join dir_user u on u.id = m.user_id "
                + "join dir_group g on g.id = m.group_id where g.source = 'sb'")).isEqualTo(12_000);
        long group = app.count("select id from dir_group where sis_id = 'cls-0'");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> app.jdbc().update(
                "insert into dir_membership (group_id, user_id) values (?, -1)", group)))
                .as("the foreign key to dir_user still holds").isNotNull();
        app.jdbc().update("delete from dir_group where id = ?", group);
        assertThat(app.count("select count(*) from dir_membership where group_id = ?", group))
                .as("and its cascade").isZero();
    }

    @Test
    void aFullImportEndsMissingUsersAfterTheGraceAndADeltaAppliesOnlyItsRows() throws Exception {
        SisDrops.drop(bulkZip("bulk"), folder, "bulk.zip");
        SisDrops.awaitProcessed(folder, "bulk.zip");

        // delta: one new user, one tobedeleted, one changed mobile, one bad row (no status); enrollments: the new
        // user's, one tobedeleted, one for a user only in the directory, one changed role, one for an unknown user
        SisDrops.drop(SisDrops.zip(SisDrops.fixture("oneroster-delta"), temp.resolve("zips/delta.zip"), null),
                deltaFolder, "delta.zip");
        SisDrops.awaitProcessed(deltaFolder, "delta.zip");
        JsonNode delta = lastImport();
        assertThat(delta.get("status").asText()).as(delta.toString()).isEqualTo("DONE");
        assertThat(delta.get("usersInserted").asLong()).isEqualTo(1);
        assertThat(delta.get("errors").asLong()).as("u-sb-011 lacks status, required in a delta (and dateLastModified, "
                + "which Hermod does not use); u-sb-999 is in no directory").isEqualTo(2);
        assertThat(delta.get("rowErrors").findValuesAsText("reason")).contains(
                "membership of user 'u-sb-999' in group 'cls-sb-7b' skipped: user not in the directory");
        assertThat(delta.get("membershipsWritten").asLong()).as("u-sb-010 and u-sb-001 added, u-sb-005 removed, "
                + "u-sb-006's role changed").isEqualTo(4);
        assertThat(app.jdbc().query("select m.role from dir_membership m join dir_user u on u.id = m.user_id "
                + "join dir_group g on g.id = m.group_id where u.sis_id = 'u-sb-006' and g.sis_id = 'cls-sb-ma7'",
                rs -> rs.getString(1))).containsExactly("TEACHER");
        assertThat(app.count("select count(*) from dir_membership m join dir_user u on u.id = m.user_id "
                + "join dir_group g on g.id = m.group_id where u.sis_id = 'u-sb-001' and g.sis_id = 'cls-sb-7b'"))
                .as("a delta enrollment may name a user the directory already has").isEqualTo(1);
        assertThat(delta.get("usersUpdated").asLong()).isEqualTo(2);
        assertThat(delta.get("usersEnded").asLong()).isZero();
        assertThat(endDate("u-sb-005")).isEqualTo(LocalDate.of(2025, 12, 19));
        assertThat(app.jdbc().query("select mobile from dir_user where sis_id = 'u-sb-002'", rs -> rs.getString(1)))
                .containsExactly("+45 20 11 99 02");
        assertThat(endDate("u-sb-001")).as("a delta does not end users it lacks").isNull();
        assertThat(app.count("select count(*) from dir_membership m join dir_user u on u.id = m.user_id "
                + "where u.sis_id = 'u-sb-005'")).as("tobedeleted enrollment removed").isZero();
        assertThat(app.count("select count(*) from dir_membership m join dir_user u on u.id = m.user_id "
                + "where u.sis_id = 'u-sb-010'")).isEqualTo(1);

        // full again, without the user the delta added: it ends after the grace
        SisDrops.drop(bulkZip("bulk-again"), folder, "bulk2.zip");
        SisDrops.awaitProcessed(folder, "bulk2.zip");
        JsonNode full = lastImport();
        assertThat(full.get("usersEnded").asLong()).as(full.toString()).isEqualTo(1);
        assertThat(endDate("u-sb-010")).isEqualTo(LocalDate.of(2026, 1, 26));
        assertThat(endDate("u-sb-002")).isNull();
    }

    /**
     * The deletion threshold: a full export lacking 10 of the source's 29 active users (34 %, over the default 10 %)
     * changes nothing and is held in held/ with the numbers; an operator's confirmation imports it again, ending
     * them. Only an operator or the tenant's directory.edit may confirm, once, and never an export older than one
     * applied since.
     */
    @Test
    void aFullImportThatWouldEndTooManyUsersIsHeldUntilAnOperatorConfirmsIt() throws Exception {
        SisDrops.drop(bulkZip("bulk"), folder, "bulk.zip");
        SisDrops.awaitProcessed(folder, "bulk.zip");
        Path cut = temp.resolve("cut");
        Files.createDirectories(cut);
        try (var files = Files.list(SisDrops.fixture("oneroster-bulk"))) {
            for (Path f : files.toList()) {
                Files.copy(f, cut.resolve(f.getFileName()));
            }
        }
        List<String> users = Files.readAllLines(cut.resolve("users.csv"));
        Files.write(cut.resolve("users.csv"), users.subList(0, users.size() - 10));

        SisDrops.drop(SisDrops.zip(cut, temp.resolve("zips/cut.zip"), null), folder, "cut.zip");
        Path held = SisDrops.awaitProcessed(folder, "cut.zip");
        assertThat(held.getParent().getFileName().toString()).isEqualTo("held");
        JsonNode hold = lastImport();
        long heldId = hold.get("id").asLong();
        assertThat(hold.get("status").asText()).isEqualTo("HELD");
        assertThat(hold.get("message").asText()).contains("would end 10 of the source's 29 active users (34 %)",
                "max-end-percent 10 %", "POST /api/imports/" + heldId + "/confirm");
        assertThat(hold.get("usersEnded").asLong()).isZero();
        assertThat(app.count("select count(*) from dir_user where source = 'sb' and end_date is null")).isEqualTo(29);
        assertThat(held.resolveSibling(heldId + "-cut.zip.report.csv")).exists();

        // a tenant's user without directory.edit may not; another tenant's user does not see it
        assertThat(admin.post("/api/tenants", "{\"id\":\"other\",\"name\":\"Other\",\"timeZone\":\"Europe/Copenhagen\"}")
                .status()).isEqualTo(201);
        assertThat(admin.post("/api/users", "{\"username\":\"viewer\",\"tenant\":\"default\",\"password\":"
                + "\"viewer-password-1\",\"permissions\":[\"sms.view\"]}").status()).isEqualTo(201);
        assertThat(admin.post("/api/users", "{\"username\":\"other-dir\",\"tenant\":\"other\",\"password\":"
                + "\"other-password-1\",\"permissions\":[\"directory.edit\"]}").status()).isEqualTo(201);
        assertThat(Http.basic(app.port(), "viewer", "viewer-password-1").post("/api/imports/" + heldId + "/confirm", "{}")
                .status()).isEqualTo(403);
        assertThat(Http.basic(app.port(), "other-dir", "other-password-1").post("/api/imports/" + heldId + "/confirm", "{}")
                .status()).isEqualTo(404);
        assertThat(app.count("select count(*) from dir_user where source = 'sb' and end_date is null")).isEqualTo(29);

        Http.Response confirmed = admin.post("/api/imports/" + heldId + "/confirm", "{}");
        assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(202);
        SisDrops.awaitProcessed(folder, "cut.zip");
        await().atMost(java.time.Duration.ofSeconds(30)).until(() -> lastImport().get("id").asLong() > heldId
                && !lastImport().get("status").asText().equals("RUNNING"));
        JsonNode applied = lastImport();
        assertThat(applied.get("status").asText()).as(applied.toString()).isEqualTo("DONE");
        assertThat(applied.get("usersEnded").asLong()).isEqualTo(10);
        assertThat(app.count("select count(*) from dir_user where source = 'sb' and end_date is null")).isEqualTo(19);
        assertThat(admin.get("/api/imports/" + heldId).json().get("status").asText()).isEqualTo("CONFIRMED");
        assertThat(admin.post("/api/imports/" + heldId + "/confirm", "{}").status()).as("once").isEqualTo(409);

        // held again (half of the 19 left), then a full export of the 19 is applied: the held, older export can no
        // longer be confirmed
        clock.set(NOW.plusSeconds(7200));
        Files.write(cut.resolve("users.csv"), users.subList(0, 11));
        SisDrops.drop(SisDrops.zip(cut, temp.resolve("zips/cut2.zip"), "2"), folder, "cut2.zip");
        SisDrops.awaitProcessed(folder, "cut2.zip");
        long second = lastImport().get("id").asLong();
        assertThat(lastImport().get("status").asText()).isEqualTo("HELD");
        Files.write(cut.resolve("users.csv"), users.subList(0, users.size() - 10));
        SisDrops.drop(SisDrops.zip(cut, temp.resolve("zips/same.zip"), "same"), folder, "same.zip");
        SisDrops.awaitProcessed(folder, "same.zip");
        await().atMost(java.time.Duration.ofSeconds(30)).until(() -> lastImport().get("status").asText().equals("DONE"));
        Http.Response stale = admin.post("/api/imports/" + second + "/confirm", "{}");
        assertThat(stale.status()).as(stale.toString()).isEqualTo(409);
        assertThat(stale.json().get("error").asText()).contains("was applied after it");
    }

    /** A OneRoster delta's {@code tobedeleted} user gets no SMS from that moment, not from the next midnight. */
    @Test
    void aTobedeletedUserGetsNoSmsFromTheMomentTheDeltaIsApplied() throws Exception {
        SisDrops.drop(bulkZip("bulk"), folder, "bulk.zip");
        SisDrops.awaitProcessed(folder, "bulk.zip");
        String everyone = "{\"tenant\":\"default\",\"everyone\":true,\"text\":\"x\",\"dryRun\":true}";
        assertThat(admin.post("/api/sms", everyone).raw()).contains("+4520112204").doesNotContain("u-sb-004");
        Path delta = temp.resolve("delta");
        Files.createDirectories(delta);
        Files.copy(SisDrops.fixture("oneroster-delta").resolve("manifest.csv"), delta.resolve("manifest.csv"));
        List<String> users = Files.readAllLines(SisDrops.fixture("oneroster-bulk").resolve("users.csv"));
        String gone = users.stream().filter(l -> l.startsWith("u-sb-004,")).findFirst().orElseThrow()
                .replaceFirst("^u-sb-004,,,", "u-sb-004,tobedeleted,2026-01-12T07:00:00Z,");
        Files.write(delta.resolve("users.csv"), List.of(users.get(0), gone));
        Files.writeString(delta.resolve("enrollments.csv"), Files.readAllLines(SisDrops.fixture("oneroster-delta")
                .resolve("enrollments.csv")).get(0) + "\n");
        SisDrops.drop(SisDrops.zip(delta, temp.resolve("zips/gone.zip"), null), deltaFolder, "gone.zip");
        SisDrops.awaitProcessed(deltaFolder, "gone.zip");
        assertThat(lastImport().get("status").asText()).as(lastImport().toString()).isEqualTo("DONE");

        assertThat(endDate("u-sb-004")).isEqualTo(LocalDate.of(2026, 1, 11));
        Http.Response plan = admin.post("/api/sms", everyone);
        assertThat(plan.status()).as(plan.toString()).isIn(200, 201);
        assertThat(plan.raw()).contains("\"user u-sb-004\"", "ended on 2026-01-11").doesNotContain("+4520112204");
    }

    /** A student enrolled as a teacher (as in the public roster-hub sample) is applied, and warned of in the report. */
    @Test
    void aStudentEnrolledAsATeacherIsAWarningNotAnError() throws Exception {
        Path export = temp.resolve("roles");
        Files.createDirectories(export);
        try (var files = Files.list(SisDrops.fixture("oneroster-bulk"))) {
            for (Path f : files.toList()) {
                Files.copy(f, export.resolve(f.getFileName()));
            }
        }
        Path enrollments = export.resolve("enrollments.csv");
        Files.writeString(enrollments, Files.readString(enrollments).replace("enr-001,,,cls-sb-7a,org-sb,u-sb-001,student,",
                "enr-001,,,cls-sb-7a,org-sb,u-sb-001,teacher,"));
        SisDrops.drop(SisDrops.zip(export, temp.resolve("zips/roles.zip"), null), folder, "roles.zip");
        Path done = SisDrops.awaitProcessed(folder, "roles.zip");
        JsonNode imp = lastImport();
        assertThat(imp.get("status").asText()).isEqualTo("DONE");
        assertThat(imp.get("errors").asLong()).as(imp.toString()).isZero();
        assertThat(imp.get("rowErrors").toString()).contains("\"file\":\"enrollments.csv\",\"line\":2,\"column\":\"role\","
                + "\"reason\":\"warning: user 'u-sb-001' is a student in users.csv but enrolled as teacher");
        assertThat(Files.readString(done.resolveSibling(imp.get("id").asLong() + "-roles.zip.report.csv")))
                .contains("enrollments.csv,2,role,\"warning: user 'u-sb-001' is a student in users.csv but enrolled as teacher");
        assertThat(app.jdbc().query("select m.role from dir_membership m join dir_user u on u.id = m.user_id "
                + "join dir_group g on g.id = m.group_id where u.sis_id = 'u-sb-001' and g.sis_id = 'cls-sb-7a'",
                rs -> rs.getString(1))).containsExactly("TEACHER");
    }

    @Test
    void aFullImportRemovesMembershipsAndGroupsTheExportNoLongerHas() throws Exception {
        SisDrops.drop(bulkZip("bulk"), folder, "bulk.zip");
        SisDrops.awaitProcessed(folder, "bulk.zip");
        assertThat(app.count("select count(*) from dir_membership")).isEqualTo(33);

        // u-sb-001 left 7.a (enr-001), the class de10 is gone with its four enrollments
        Path export = BadExports.copyOfBulk(temp.resolve("smaller"));
        Path enrollments = export.resolve("enrollments.csv");
        Files.write(enrollments, Files.readAllLines(enrollments).stream().filter(l -> !l.startsWith("enr-001,")
                && !l.contains(",cls-dub-de10,")).toList());
        Path classes = export.resolve("classes.csv");
        Files.write(classes, Files.readAllLines(classes).stream().filter(l -> !l.startsWith("cls-dub-de10,")).toList());
        SisDrops.drop(SisDrops.zip(export, temp.resolve("zips/smaller.zip"), null), folder, "smaller.zip");
        SisDrops.awaitProcessed(folder, "smaller.zip");
        JsonNode full = lastImport();
        assertThat(full.get("status").asText()).as(full.toString()).isEqualTo("DONE");
        assertThat(full.get("membershipsWritten").asLong()).as(full.toString()).isEqualTo(5);
        assertThat(full.get("groupsWritten").asLong()).as(full.toString()).isEqualTo(1);
        assertThat(app.count("select count(*) from dir_membership")).isEqualTo(28);
        assertThat(app.count("select count(*) from dir_membership m join dir_user u on u.id = m.user_id "
                + "join dir_group g on g.id = m.group_id where u.sis_id = 'u-sb-001' and g.sis_id = 'cls-sb-7a'")).isZero();
        assertThat(app.count("select count(*) from dir_group where sis_id = 'cls-dub-de10'")).isZero();
        assertThat(app.count("select count(*) from dir_group where source = 'sb'")).isEqualTo(5);
    }

    @Test
    void badRowsAreReportedWithFileLineColumnAndReasonAndTheGoodRowsApplied() throws Exception {
        Path export = BadExports.bulkWith(temp, "users.csv", "users-bad-contacts.csv");
        SisDrops.drop(SisDrops.zip(export, temp.resolve("zips/bad.zip"), null), folder, "bad.zip");
        Path moved = SisDrops.awaitProcessed(folder, "bad.zip");
        JsonNode imp = lastImport();
        assertThat(moved.getParent().getFileName().toString()).isEqualTo("done");
        assertThat(imp.get("status").asText()).isEqualTo("DONE");
        assertThat(imp.get("errors").asLong()).isPositive();
        JsonNode error = imp.get("rowErrors").get(0);
        assertThat(error.get("file").asText()).isEqualTo("users.csv");
        assertThat(error.get("line").asInt()).isGreaterThan(1);
        assertThat(error.get("column").asText()).isNotEmpty();
        assertThat(error.get("reason").asText()).isNotEmpty();
        List<String> report = Files.readAllLines(moved.resolveSibling(imp.get("id").asLong() + "-bad.zip.report.csv"));
        assertThat(report).hasSize(1 + imp.get("rowErrors").size());
        assertThat(report.get(1)).startsWith("users.csv," + error.get("line").asInt() + ",");
        assertThat(app.count("select count(*) from dir_user")).isPositive();
    }

    @Test
    void everyKindOfBadInputReachesTheReportAndTheApi() throws Exception {
        // one export after another, each with other bad rows: the deletion threshold would hold most of them
        app.close();
        start("hermod.sis.max-end-percent", "100");
        String[][] cases = {
                {"users.csv", "users-bad-contacts.csv", "DONE"},
                {"users.csv", "users-bad-dates.csv", "DONE"},
                {"users.csv", "users-duplicate-ids.csv", "DONE"},
                {"users.csv", "users-multiline.csv", "DONE"},
                {"users.csv", "users-unknown-org.csv", "DONE"},
                {"classes.csv", "classes-unknown-refs.csv", "DONE"},
                {"enrollments.csv", "enrollments-unknown-refs.csv", "DONE"},
                {"users.csv", "users-missing-column.csv", "REJECTED"},
                {"users.csv", "users-unclosed-quote.csv", null},
        };
        int n = 0;
        for (String[] c : cases) {
            Path export = BadExports.bulkWith(temp.resolve("case" + n), c[0], c[1]);
            String name = "case" + n++ + ".zip";
            SisDrops.drop(SisDrops.zip(export, temp.resolve("zips/" + name), null), folder, name);
            Path moved = SisDrops.awaitProcessed(folder, name);
            JsonNode imp = lastImport();
            assertThat(imp.get("file").asText()).isEqualTo(name);
            assertThat(imp.get("rowErrors").size()).as(c[1] + ": errors or warnings: " + imp).isPositive();
            assertThat(imp.get("rowErrors").get(0).get("file").asText()).as(c[1]).isEqualTo(c[0]);
            if (c[2] != null) {
                assertThat(imp.get("status").asText()).as(c[1] + ": " + imp).isEqualTo(c[2]);
                assertThat(moved.getParent().getFileName().toString()).isEqualTo(c[2].equals("DONE") ? "done" : "error");
            }
            assertThat(Files.readAllLines(moved.resolveSibling(imp.get("id").asLong() + "-" + name + ".report.csv")))
                    .as(c[1]).hasSizeGreaterThan(1);
        }
    }

    @Test
    void importsAreTenantIsolatedAndNeedDirectoryEdit() throws Exception {
        SisDrops.drop(bulkZip("t"), folder, "t.zip");
        SisDrops.awaitProcessed(folder, "t.zip");
        long id = lastImport().get("id").asLong();
        admin.post("/api/tenants", "{\"id\":\"other\",\"name\":\"Other\",\"timeZone\":\"Europe/Berlin\"}");
        Http.Response created = admin.post("/api/users", "{\"username\":\"other-admin\",\"password\":\"other-password-1\",\"tenant\":\"other\","
                + "\"permissions\":[\"directory.edit\"]}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(admin.post("/api/users", "{\"username\":\"viewer\",\"password\":\"viewer-password-1\",\"tenant\":\"default\","
                + "\"permissions\":[\"sms.view\"]}").status()).isEqualTo(201);
        Http other = Http.basic(app.port(), "other-admin", "other-password-1");
        assertThat(other.get("/api/imports").json()).isEmpty();
        assertThat(other.get("/api/imports/" + id).status()).isEqualTo(404);
        assertThat(Http.basic(app.port(), "viewer", "viewer-password-1").get("/api/imports").status()).isEqualTo(403);
    }

    @Test
    void everyRecordIsLastSeenWhenAFullImportLastListedItAndUnchangedRowsStayUnwritten() throws Exception {
        SisDrops.drop(bulkZip("day0"), folder, "day0.zip");
        SisDrops.awaitProcessed(folder, "day0.zip");
        clock.advance(Duration.ofDays(1));
        SisDrops.drop(SisDrops.zip(SisDrops.fixture("oneroster-delta"), temp.resolve("zips/day1.zip"), null),
                deltaFolder, "day1.zip");
        SisDrops.awaitProcessed(deltaFolder, "day1.zip");
        clock.advance(Duration.ofDays(1));
        // day 2: the full export again, unchanged for u-sb-001, without u-sb-010 (which the delta added)
        SisDrops.drop(bulkZip("day2"), folder, "day2.zip");
        SisDrops.awaitProcessed(folder, "day2.zip");

        Instant day0 = NOW;
        Instant day1 = NOW.plus(Duration.ofDays(1));
        Instant day2 = NOW.plus(Duration.ofDays(2));
        assertThat(storedLastSeen("dir_user", "u-sb-001")).as("an unchanged row is not written").isEqualTo(day0);
        assertThat(lastSeen("dir_user", "u-sb-001")).isEqualTo(day2);
        assertThat(lastSeen("dir_user", "u-sb-010")).as("added by the delta, then no longer listed").isEqualTo(day1);
        assertThat(lastSeen("dir_group", "cls-sb-7a")).isEqualTo(day2);
        assertThat(app.count("select count(*) from dir_user_seen where missing_since is not null")).isEqualTo(1);

        // day 3: the same bytes again (a duplicate): the SIS listed everything again, and nothing is written
        clock.advance(Duration.ofDays(1));
        Files.copy(temp.resolve("zips/day2.zip"), temp.resolve("zips/day3.zip"));
        SisDrops.drop(temp.resolve("zips/day3.zip"), folder, "day3.zip");
        SisDrops.awaitProcessed(folder, "day3.zip");
        assertThat(lastImport().get("status").asText()).isEqualTo("DUPLICATE");
        assertThat(lastSeen("dir_user", "u-sb-001")).isEqualTo(NOW.plus(Duration.ofDays(3)));
        assertThat(lastSeen("dir_user", "u-sb-010")).isEqualTo(day1);
        assertThat(storedLastSeen("dir_user", "u-sb-001")).isEqualTo(day0);
    }

    private Instant lastSeen(String table, String sisId) {
        return app.jdbc().query("select last_seen_at from " + table + "_seen where sis_id = ?",
                rs -> Database.instant(rs, "last_seen_at"), sisId).get(0);
    }

    private Instant storedLastSeen(String table, String sisId) {
        return app.jdbc().query("select last_seen_at from " + table + " where sis_id = ?",
                rs -> Database.instant(rs, "last_seen_at"), sisId).get(0);
    }

    private LocalDate endDate(String sisId) {
        return app.jdbc().query("select end_date from dir_user where sis_id = ?", rs -> rs.getObject(1, LocalDate.class), sisId)
                .get(0);
    }
}
