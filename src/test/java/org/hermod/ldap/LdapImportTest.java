package org.hermod.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import com.unboundid.ldap.sdk.controls.SimplePagedResultsControl;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.hermod.testing.HermodApp;
import org.hermod.testing.Http;
import org.hermod.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LDAP import end to end: UnboundID's in-memory server on a free port holding 25 good and 2 bad inetOrgPerson
 * entries, the real application with one {@code hermod.ldap.imports[0]}, runs started by
 * {@code POST /api/jobs/sis-ldap-school/run} and seen in {@code GET /api/imports}.
 */
class LdapImportTest {

    private static final String BASE = "ou=people,dc=school,dc=dk";

    @TempDir
    Path temp;
    private InMemoryDirectoryServer ldap;
    private HermodApp app;
    private Http admin;
    private final PagedSearches pagedSearches = new PagedSearches();

    /** Counts the search requests that carry the simple paged results control. */
    static final class PagedSearches extends InMemoryOperationInterceptor {
        final AtomicInteger count = new AtomicInteger();

        @Override
        public void processSearchRequest(InMemoryInterceptedSearchRequest request) {
            if (request.getRequest().hasControl(SimplePagedResultsControl.PAGED_RESULTS_OID)) {
                count.incrementAndGet();
            }
        }
    }

    @BeforeEach
    void startLdap() throws Exception {
        InMemoryDirectoryServerConfig config = LdapRuns.schoolConfig(LdapRuns.EDU_PERSON);
        config.addInMemoryOperationInterceptor(pagedSearches);
        ldap = LdapRuns.school(config, "people");
        for (int i = 1; i <= 25; i++) {
            String uid = String.format("user%02d", i);
            ldap.add("dn: uid=" + uid + "," + BASE, "objectClass: inetOrgPerson", "objectClass: eduPerson", "uid: " + uid,
                    "cn: User " + i, "givenName: User", "sn: Number" + i, "mobile: +45 20 11 30 " + String.format("%02d", i),
                    "mail: " + uid + "@school.dk", "eduPersonAffiliation: member",
                    "eduPersonAffiliation: " + (i <= 20 ? "student" : "faculty"));
        }
        ldap.add("dn: cn=No Uid," + BASE, "objectClass: inetOrgPerson", "cn: No Uid", "sn: Uid", "mobile: +45 20 11 40 01");
        // the last entry in a later millisecond (modifyTimestamp has milliseconds): a delta run reads the entries at
        // its mark again, and that must be this one alone, however fast the entries above were added
        long added = System.currentTimeMillis();
        await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(1))
                .until(() -> System.currentTimeMillis() > added);
        ldap.add("dn: uid=badmobile," + BASE, "objectClass: inetOrgPerson", "objectClass: eduPerson", "uid: badmobile",
                "cn: Bad Mobile", "sn: Mobile", "mobile: ring til kontoret", "eduPersonAffiliation: staff");
        ldap.startListening();
    }

    private void startApp(String mode) {
        app = LdapRuns.app("ldap://localhost:" + ldap.getListenPort(), BASE, temp)
                .with("hermod.ldap.imports[0].page-size", "10")
                .with("hermod.ldap.imports[0].mode", mode)
                .with("hermod.ldap.imports[0].grace", "14d")
                .start();
        admin = app.admin();
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        ldap.shutDown(true);
    }

    /** Starts a run through the API and returns its sis_import record once it is DONE. */
    private JsonNode run() {
        JsonNode last = LdapRuns.run(app);
        assertThat(last.get("status").asText()).as(last.toString()).isEqualTo("DONE");
        return last;
    }

    private List<String> column(String sql) {
        return app.jdbc().query(sql, rs -> rs.getString(1));
    }

    @Test
    void aFullImportReadsAllPagesSkipsBadEntriesAndEndsAUserDeletedFromTheDirectory() throws Exception {
        startApp("full");
        JsonNode first = run();
        assertThat(pagedSearches.count.get()).as("27 entries, 10 a page; then one page of groups (none under base-dn)")
                .isEqualTo(4);
        assertThat(first.get("rows").asLong()).as(first.toString()).isEqualTo(29); // 26 users, 3 errors
        assertThat(first.get("usersInserted").asLong()).isEqualTo(26);
        assertThat(first.get("errors").asLong()).as("no uid and no role (one entry judged whole), bad mobile").isEqualTo(3);
        assertThat(first.get("rowErrors").toString())
                .contains("cn=No Uid,ou=people,dc=school,dc=dk", "required value missing (the account)",
                        "uid=badmobile,ou=people,dc=school,dc=dk", "letters in phone number 'ring til kontoret'");
        assertThat(app.count("select count(*) from dir_user where tenant_id = 'default' and source = 'ldap:school'"))
                .isEqualTo(26);
        assertThat(column("select account || '|' || given_name || '|' || family_name || '|' || role || '|' || mobile_norm "
                + "|| '|' || email from dir_user where account = 'user21'"))
                .containsExactly("user21|User|Number21|TEACHER|+4520113021|user21@school.dk");
        assertThat(column("select role || '|' || coalesce(mobile, '-') from dir_user where account = 'badmobile'"))
                .as("a bad mobile is reported, the user kept without it").containsExactly("STAFF|-");
        assertThat(column("select sis_id from dir_user where account = 'user01'").get(0))
                .as("keyed by entryUUID").matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

        ldap.delete("uid=user05," + BASE);
        JsonNode second = run();
        assertThat(List.of(second.get("usersInserted").asLong(), second.get("usersUpdated").asLong(),
                second.get("usersEnded").asLong())).as(second.toString()).containsExactly(0L, 0L, 1L);
        assertThat(column("select end_date from dir_user where account = 'user05'"))
                .containsExactly(LocalDate.of(2026, 1, 26).toString());
        assertThat(app.count("select count(*) from dir_user where end_date is not null")).isEqualTo(1);
    }

    /**
     * The deletion threshold on a full LDAP run: a filter gone wrong (here: 5 of the 26 users deleted, 19 %, over the
     * default 10 %) ends nobody and is HELD; once an operator confirms it, the next full run ends them.
     */
    @Test
    void aFullRunThatWouldEndTooManyUsersIsHeldUntilConfirmed() throws Exception {
        startApp("full");
        run();
        for (int i = 1; i <= 5; i++) {
            ldap.delete(String.format("uid=user%02d,", i) + BASE);
        }
        JsonNode held = LdapRuns.run(app);
        assertThat(held.get("status").asText()).as(held.toString()).isEqualTo("HELD");
        assertThat(held.get("message").asText()).contains("would end 5 of the source's 26 active users (19 %)",
                "POST /api/imports/" + held.get("id").asLong() + "/confirm");
        assertThat(app.count("select count(*) from dir_user where end_date is not null")).isZero();
        assertThat(LdapRuns.run(app).get("status").asText()).as("held again: nothing confirmed it").isEqualTo("HELD");

        Http.Response confirmed = admin.post("/api/imports/" + held.get("id").asLong() + "/confirm", "{}");
        assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(202);
        assertThat(confirmed.json().get("next").asText()).contains("next full run");
        JsonNode applied = run();
        assertThat(applied.get("usersEnded").asLong()).isEqualTo(5);
        assertThat(app.count("select count(*) from dir_user where end_date is not null")).isEqualTo(5);
        assertThat(admin.post("/api/imports/" + held.get("id").asLong() + "/confirm", "{}").status()).isEqualTo(409);
    }

    @Test
    void aDeltaRunReadsOnlyWhatChangedSinceTheLastRun() throws Exception {
        startApp("delta");
        JsonNode first = run();
        assertThat(first.get("usersInserted").asLong()).as(first.toString()).isEqualTo(26);
        assertThat(column("select high_water from ldap_import_state where name = 'school'")).hasSize(1).doesNotContainNull();

        ldap.modify("uid=user07," + BASE, new Modification(ModificationType.REPLACE, "mobile", "+45 20 11 99 07"));
        ldap.delete("uid=user08," + BASE);
        JsonNode second = run();
        assertThat(second.get("usersUpdated").asLong()).as(second.toString()).isEqualTo(1);
        assertThat(second.get("usersInserted").asLong()).isZero();
        assertThat(second.get("usersEnded").asLong()).as("a delta ends nobody").isZero();
        assertThat(second.get("rows").asLong()).as("only entries at or after the mark were read").isLessThan(10);
        assertThat(second.get("message").asText()).contains("(modifyTimestamp>=");
        assertThat(column("select mobile_norm from dir_user where account = 'user07'")).containsExactly("+4520119907");
        assertThat(app.count("select count(*) from dir_user where end_date is not null")).isZero();
    }

    @Test
    void aJobConfiguredInactiveRunsOnlyWhenAskedUntilItIsActivated() throws Exception {
        app = LdapRuns.app("ldap://localhost:" + ldap.getListenPort(), BASE, temp)
                .with("hermod.jobs.sis-ldap-school.active", "false")
                .start();
        admin = app.admin();
        assertThat(admin.get("/api/jobs/sis-ldap-school").json().get("active").asBoolean()).isFalse();
        MutableClock clock = app.camel().getRegistry().lookupByNameAndType("clock", MutableClock.class);
        clock.advance(Duration.ofHours(3));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> app.count("select count(*) from sis_import where source = 'ldap:school'") == 0);

        run();
        assertThat(admin.get("/api/jobs/sis-ldap-school").json().get("active").asBoolean())
                .as("run now runs it once and leaves it inactive").isFalse();
        assertThat(admin.put("/api/jobs/sis-ldap-school", "{\"active\": true}").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.get("/api/jobs/sis-ldap-school").json().hasNonNull("nextRunAt"));
        clock.advance(Duration.ofHours(2));
        await().atMost(Duration.ofSeconds(30)).until(() -> app.count("select count(*) from sis_import where "
                + "source = 'ldap:school' and status <> 'RUNNING'") == 2);
    }
}
