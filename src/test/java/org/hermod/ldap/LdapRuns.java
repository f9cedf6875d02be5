package org.hermod.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.schema.Schema;
import com.unboundid.ldif.LDIFException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.hermod.testing.HermodApp;
import org.hermod.testing.MutableClock;
import org.hermod.testing.TestDatabases;

/**
 * What the LDAP import tests share: the school's directory (UnboundID's in-memory server for dc=school,dc=dk with
 * Hermod's bind account), an application with LDAP import {@code school}, and a run through the jobs API.
 */
final class LdapRuns {

    /** posixGroup with gidNumber and memberUid (RFC 2307), which UnboundID's standard schema lacks. */
    static final Schema POSIX_GROUP = new Schema(new Entry("cn=schema",
            new Attribute("objectClass", "top", "ldapSubentry", "subschema"),
            new Attribute("attributeTypes",
                    "( 1.3.6.1.1.1.1.1 NAME 'gidNumber' EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )",
                    "( 1.3.6.1.1.1.1.12 NAME 'memberUid' EQUALITY caseExactIA5Match SYNTAX 1.3.6.1.4.1.1466.115.121.1.26 )"),
            new Attribute("objectClasses", "( 1.3.6.1.1.1.2.2 NAME 'posixGroup' SUP top STRUCTURAL MUST ( cn $ gidNumber ) "
                    + "MAY ( memberUid $ description ) )")));
    /** eduPerson's eduPersonAffiliation. */
    static final Schema EDU_PERSON = new Schema(new Entry("cn=schema",
            new Attribute("objectClass", "top", "ldapSubentry", "subschema"),
            new Attribute("attributeTypes", "( 1.3.6.1.4.1.5923.1.1.1.1 NAME 'eduPersonAffiliation' "
                    + "EQUALITY caseIgnoreMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 )"),
            new Attribute("objectClasses", "( 1.3.6.1.4.1.5923.1.2.2 NAME 'eduPerson' AUXILIARY "
                    + "MAY eduPersonAffiliation )")));

    private LdapRuns() {
    }

    /**
     * The configuration of the school's directory: suffix dc=school,dc=dk, Hermod's bind account, plain LDAP on a free
     * port, the standard schema plus {@code extra}. Add interceptors, then {@link #school}.
     */
    static InMemoryDirectoryServerConfig schoolConfig(Schema extra) throws LDAPException {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("dc=school,dc=dk");
        config.addAdditionalBindCredentials("cn=hermod,dc=school,dc=dk", "bind-secret");
        config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", 0));
        config.setSchema(Schema.mergeSchemas(Schema.getDefaultStandardSchema(), extra));
        return config;
    }

    /** The server, not yet listening, holding dc=school,dc=dk and an organizational unit for each of {@code units}. */
    static InMemoryDirectoryServer school(InMemoryDirectoryServerConfig config, String... units)
            throws LDAPException, LDIFException {
        InMemoryDirectoryServer ldap = new InMemoryDirectoryServer(config);
        ldap.add("dn: dc=school,dc=dk", "objectClass: top", "objectClass: domain", "dc: school");
        for (String unit : units) {
            ldap.add("dn: ou=" + unit + ",dc=school,dc=dk", "objectClass: top", "objectClass: organizationalUnit",
                    "ou: " + unit);
        }
        return ldap;
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
