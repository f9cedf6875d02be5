package org.hermod.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.hermod.testing.HermodApp;
import org.hermod.testing.MutableClock;
import org.hermod.testing.TestDatabases;

/** What the LDAP import tests share: an application with LDAP import {@code school}, and a run through the jobs API. */
final class LdapRuns {

    private LdapRuns() {
    }

    /**
     * The application on H2 with import {@code school} reading {@code url} under {@code baseDn} as the test's bind
     * account, without welcome SMS, its reports in {@code temp/reports}.
     */
    static HermodApp.Builder app(String url, String baseDn, Path temp) {
        return app(TestDatabases.h2(), url, baseDn, temp);
    }

    /** The same on the database at {@code dbUrl}. */
    static HermodApp.Builder app(String dbUrl, String url, String baseDn, Path temp) {
        return HermodApp.on(dbUrl).bean("clock", new MutableClock(Instant.parse("2026-01-12T08:00:00Z")))
                .with("hermod.ldap.imports[0].name", "school")
                .with("hermod.ldap.imports[0].url", url)
                .with("hermod.ldap.imports[0].bind-dn", "cn=hermod,dc=school,dc=dk")
                .with("hermod.ldap.imports[0].bind-password", "bind-secret")
                .with("hermod.ldap.imports[0].base-dn", baseDn)
                .with("hermod.ldap.imports[0].welcome", "false")
                .with("hermod.ldap.imports[0].report-folder", temp.resolve("reports").toString());
    }

    /** Runs the import now through the API and returns its sis_import record once it is finished (any status). */
    static JsonNode run(HermodApp app) {
        return run(app, Duration.ofSeconds(30));
    }

    /** The same, waiting up to {@code atMost} for the run to finish. */
    static JsonNode run(HermodApp app, Duration atMost) {
        String finished = "select count(*) from sis_import where source = 'ldap:school' and status <> 'RUNNING'";
        long before = app.count(finished);
        assertThat(app.admin().post("/api/jobs/sis-ldap-school/run", null).status()).isEqualTo(202);
        await().atMost(atMost).untilAsserted(() -> assertThat(app.count(finished))
                .as(() -> app.admin().get("/api/jobs/sis-ldap-school").toString()).isEqualTo(before + 1));
        long id = app.jdbc().query("select max(id) from sis_import where source = 'ldap:school'", rs -> rs.getLong(1)).get(0);
        return app.admin().get("/api/imports/" + id).json();
    }
}
