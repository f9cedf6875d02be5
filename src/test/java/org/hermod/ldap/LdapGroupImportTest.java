package org.hermod.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.hermod.testing.HermodApp;
import org.hermod.testing.Http;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Groups of the LDAP import end to end: UnboundID's in-memory server on a free port with six users under
 * ou=people and a groupOfNames, a groupOfUniqueNames, a posixGroup and a group with bad members under ou=groups; the
 * real application with the shipped attribute map plus kind, school and memberUid keys; runs started through
 * {@code POST /api/jobs/sis-ldap-school/run}.
 */
class LdapGroupImportTest {

    private static final String PEOPLE = "ou=people,dc=school,dc=dk";
    private static final String GROUPS = "ou=groups,dc=school,dc=dk";

    @TempDir
    Path temp;
    private InMemoryDirectoryServer ldap;
    private HermodApp app;
    private Http admin;

    @BeforeEach
    void startLdap() throws Exception {
        InMemoryDirectoryServerConfig config = LdapRuns.schoolConfig(LdapRuns.POSIX_GROUP);
        ldap = LdapRuns.school(config, "people", "groups");
        ldap.add("dn: ou=elsewhere,dc=school,dc=dk", "objectClass: top", "objectClass: organizationalUnit", "ou: elsewhere");
        ldap.add("dn: cn=7a," + GROUPS, "objectClass: groupOfNames", "cn: 7a", "businessCategory: class", "o: Nordskolen",
                "member: uid=user01," + PEOPLE, "member: UID=User02, OU=People, DC=School, DC=dk", "member: uid=user03," + PEOPLE);
        ldap.add("dn: cn=chess," + GROUPS, "objectClass: groupOfUniqueNames", "cn: chess",
                "uniqueMember: uid=user04," + PEOPLE + "#'0101'B", "uniqueMember: uid=user05," + PEOPLE);
        ldap.add("dn: cn=band," + GROUPS, "objectClass: posixGroup", "cn: band", "gidNumber: 5001", "memberUid: user01",
                "memberUid: user06");
        ldap.add("dn: cn=odd," + GROUPS, "objectClass: groupOfNames", "cn: odd", "member: uid=user06," + PEOPLE,
                "member: uid=ghost," + PEOPLE, "member: cn=chess," + GROUPS, "member: uid=outsider,ou=elsewhere,dc=school,dc=dk");
        // users last, and in a later millisecond (modifyTimestamp has milliseconds): a delta run reads the entries
        // at its mark again, which must be unchanged users, never "odd" with its three bad members
        long groupsAdded = System.currentTimeMillis();
        await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(1))
                .until(() -> System.currentTimeMillis() > groupsAdded);
        for (int i = 1; i <= 6; i++) {
            String uid = "user0" + i;
            ldap.add("dn: uid=" + uid + "," + PEOPLE, "objectClass: inetOrgPerson", "uid: " + uid, "cn: User " + i,
                    "sn: Number" + i);
        }
        ldap.add("dn: uid=outsider,ou=elsewhere,dc=school,dc=dk", "objectClass: inetOrgPerson", "uid: outsider",
                "cn: Outsider", "sn: Outsider");
        ldap.startListening();
    }

    /** The database URL; {@link LdapGroupImportPostgresIT} runs the same on embedded PostgreSQL. */
    String database() {
        return TestDatabases.h2();
    }

    private void startApp(String mode, String groupBaseDn) throws Exception {
        Path map = temp.resolve("ldap-school.properties");
        Files.writeString(map, Files.readString(Path.of("mappings/ldap-inetorgperson.properties"))
                .replace("\ngroup.kind=\n", "\ngroup.kind=businessCategory\ngroup.kind.class=CLASS\n")
                .replace("\ngroup.school=\n", "\ngroup.school=o\n")
                .replace("\ngroup.memberUid=\n", "\ngroup.memberUid=memberUid\n"));
        app = LdapRuns.app(database(), "ldap://localhost:" + ldap.getListenPort(), PEOPLE, temp)
                .with("hermod.ldap.imports[0].group-base-dn", groupBaseDn)
                .with("hermod.ldap.imports[0].group-filter", "(|" + LdapImportSettings.GROUP_FILTER + "(objectClass=posixGroup))")
                .with("hermod.ldap.imports[0].mapping", map.toString())
                .with("hermod.ldap.imports[0].default-role", "STUDENT")
                .with("hermod.ldap.imports[0].page-size", "2")
                .with("hermod.ldap.imports[0].mode", mode)
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

    /** Starts a run through the API and returns its sis_import record once it is finished. */
    private JsonNode run() {
        return LdapRuns.run(app);
    }

    private static JsonNode done(JsonNode run) {
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("DONE");
        return run;
    }

    private List<String> column(String sql) {
        return app.jdbc().query(sql, rs -> rs.getString(1));
    }

    private List<String> memberships() {
        return column("select g.name || ':' || u.account from dir_membership m join dir_group g on g.id = m.group_id "
                + "join dir_user u on u.id = m.user_id order by g.name, u.account");
    }

    private long counted(JsonNode run, String field) {
        return run.get(field).asLong();
    }

    @Test
    void aFullRunImportsGroupsAndMembersAndLaterRemovesWhatTheDirectoryNoLongerHas() throws Exception {
        startApp("full", GROUPS);
        JsonNode first = done(run());
        assertThat(column("select name || '|' || kind || '|' || coalesce(school, '-') || '|' || source from dir_group order by name"))
                .containsExactly("7a|CLASS|Nordskolen|ldap:school", "band|TEAM|-|ldap:school", "chess|TEAM|-|ldap:school",
                        "odd|TEAM|-|ldap:school");
        assertThat(column("select sis_id from dir_group where name = '7a'").get(0)).as("keyed by entryUUID")
                .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(memberships()).as("DNs compared normalised; uniqueMember without its #'..'B; memberUid by account")
                .containsExactly("7a:user01", "7a:user02", "7a:user03", "band:user01", "band:user06", "chess:user04",
                        "chess:user05", "odd:user06");
        assertThat(counted(first, "groupsWritten")).as(first.toString()).isEqualTo(4);
        assertThat(counted(first, "membershipsWritten")).isEqualTo(8);
        assertThat(counted(first, "errors")).isEqualTo(3);
        JsonNode errors = first.get("rowErrors");
        assertThat(errors).allSatisfy(e -> assertThat(e.get("file").asText()).isEqualTo("cn=odd," + GROUPS));
        assertThat(errors.toString()).contains("member 'uid=ghost," + PEOPLE + "' is not a user this run imported",
                "member 'cn=chess," + GROUPS + "' is not under base-dn", "nested groups are not expanded",
                "member 'uid=outsider,ou=elsewhere,dc=school,dc=dk' is not under base-dn " + PEOPLE);

        JsonNode unchanged = done(run());
        assertThat(List.of(counted(unchanged, "groupsWritten"), counted(unchanged, "membershipsWritten"),
                counted(unchanged, "usersUpdated"))).as(unchanged.toString()).containsExactly(0L, 0L, 0L);

        ldap.modify("cn=7a," + GROUPS, new Modification(ModificationType.DELETE, "member", "uid=user02," + PEOPLE));
        ldap.modify("cn=chess," + GROUPS, new Modification(ModificationType.ADD, "uniqueMember", "uid=user06," + PEOPLE));
        ldap.delete("cn=odd," + GROUPS);
        JsonNode third = done(run());
        assertThat(memberships()).containsExactly("7a:user01", "7a:user03", "band:user01", "band:user06", "chess:user04",
                "chess:user05", "chess:user06");
        assertThat(column("select name from dir_group order by name")).as("the deleted group, now empty, is gone")
                .containsExactly("7a", "band", "chess");
        assertThat(List.of(counted(third, "membershipsWritten"), counted(third, "groupsWritten")))
                .as(third.toString()).containsExactly(3L, 1L);
    }

    @Test
    void aDeltaRunReplacesTheMembersOfAChangedGroupAndLooksUpMembersItDidNotRead() throws Exception {
        startApp("delta", GROUPS);
        done(run());
        assertThat(memberships()).hasSize(8);

        ldap.modify("cn=7a," + GROUPS, new Modification(ModificationType.DELETE, "member", "uid=user02," + PEOPLE),
                new Modification(ModificationType.ADD, "member", "uid=user04," + PEOPLE, "uid=nobody," + PEOPLE));
        ldap.modify("cn=band," + GROUPS, new Modification(ModificationType.ADD, "memberUid", "user05"));
        JsonNode second = done(run());
        assertThat(second.get("usersInserted").asLong() + second.get("usersUpdated").asLong())
                .as("no user changed, so none was read again: user04 and user05 were looked up").isZero();
        assertThat(memberships()).as("chess and odd were not read and keep their members")
                .containsExactly("7a:user01", "7a:user03", "7a:user04", "band:user01", "band:user05", "band:user06",
                        "chess:user04", "chess:user05", "odd:user06");
        assertThat(counted(second, "membershipsWritten")).as(second.toString()).isEqualTo(3);
        assertThat(second.get("rowErrors").toString()).contains("cn=7a," + GROUPS, "member 'uid=nobody," + PEOPLE
                + "': no such entry");
        assertThat(counted(second, "errors")).isEqualTo(1);
    }

    @Test
    void usersAndGroupsAreOneTransactionSoAFailedGroupSearchAppliesNothing() throws Exception {
        startApp("full", "ou=missing,dc=school,dc=dk");
        JsonNode run = run();
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("FAILED");
        assertThat(run.get("message").asText()).contains("no such object");
        assertThat(app.count("select count(*) from dir_user")).isZero();
        assertThat(app.count("select count(*) from dir_group")).isZero();
    }
}
