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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.hermod.testing.HermodApp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A delta run that touches groups with thousands of members it did not read (issue 13): UnboundID's in-memory server
 * with {@value #USERS} users, a groupOfNames and a posixGroup listing all of them, an interceptor that counts every
 * search the server receives. The members are looked up in batches, so the searches are a small number, not one a
 * member; which members count stays as before (no such entry, not matching the filter, outside base-dn).
 */
class LdapLargeGroupDeltaTest {

    static final int USERS = Integer.getInteger("ldap.bench.users", 1_500);
    private static final String PEOPLE = "ou=people,dc=school,dc=dk";
    private static final String GROUPS = "ou=groups,dc=school,dc=dk";

    @TempDir
    Path temp;
    private InMemoryDirectoryServer ldap;
    private HermodApp app;
    private final Searches searches = new Searches();

    /** Counts every search request the server receives. */
    static final class Searches extends InMemoryOperationInterceptor {
        final AtomicInteger count = new AtomicInteger();

        @Override
        public void processSearchRequest(InMemoryInterceptedSearchRequest request) {
            count.incrementAndGet();
        }
    }

    static String uid(int i) {
        return String.format("user%05d", i);
    }

    @BeforeEach
    void startLdap() throws Exception {
        InMemoryDirectoryServerConfig config = LdapRuns.schoolConfig(LdapRuns.POSIX_GROUP);
        config.addInMemoryOperationInterceptor(searches);
        ldap = LdapRuns.school(config, "people", "groups");
        List<String> members = new ArrayList<>(List.of("dn: cn=all," + GROUPS, "objectClass: groupOfNames", "cn: all",
                // no such entry, not matching the filter (a device), a nested group outside base-dn
                "member: uid=ghost," + PEOPLE, "member: cn=printer," + PEOPLE, "member: cn=band," + GROUPS));
        List<String> accounts = new ArrayList<>(List.of("dn: cn=band," + GROUPS, "objectClass: posixGroup", "cn: band",
                "gidNumber: 5001", "memberUid: nobody"));
        for (int i = 1; i <= USERS; i++) {
            members.add("member: uid=" + uid(i) + "," + PEOPLE);
            accounts.add("memberUid: " + uid(i));
        }
        ldap.add(members.toArray(String[]::new));
        ldap.add(accounts.toArray(String[]::new));
        ldap.add("dn: cn=printer," + PEOPLE, "objectClass: device", "cn: printer");
        // users last and in a later millisecond: the entries at the first run's mark are users, not the groups
        long groupsAdded = System.currentTimeMillis();
        await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(1))
                .until(() -> System.currentTimeMillis() > groupsAdded);
        for (int i = 1; i <= USERS; i++) {
            ldap.add("dn: uid=" + uid(i) + "," + PEOPLE, "objectClass: inetOrgPerson", "uid: " + uid(i), "cn: User " + i,
                    "sn: Number" + i);
        }
        ldap.startListening();
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
        ldap.shutDown(true);
    }

    private void startApp() throws Exception {
        Path map = temp.resolve("ldap-school.properties");
        Files.writeString(map, Files.readString(Path.of("mappings/ldap-inetorgperson.properties"))
                .replace("\ngroup.memberUid=\n", "\ngroup.memberUid=memberUid\n"));
        app = LdapRuns.app("ldap://localhost:" + ldap.getListenPort(), PEOPLE, temp)
                .with("hermod.ldap.imports[0].group-base-dn", GROUPS)
                .with("hermod.ldap.imports[0].group-filter", "(|" + LdapImportSettings.GROUP_FILTER + "(objectClass=posixGroup))")
                .with("hermod.ldap.imports[0].mapping", map.toString())
                .with("hermod.ldap.imports[0].default-role", "STUDENT")
                .with("hermod.ldap.imports[0].mode", "delta")
                .start();
    }

    private static JsonNode done(JsonNode run) {
        assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("DONE");
        return run;
    }

    private long members(String group) {
        return app.count("select count(*) from dir_membership m join dir_group g on g.id = m.group_id where g.name = ?",
                group);
    }

    /** The delta run after three changed entries: the searches it made, its time, its record. */
    record Delta(int searches, long millis, JsonNode run) {
    }

    Delta changeThreeEntriesAndRunTheDelta() throws Exception {
        startApp();
        JsonNode first = done(LdapRuns.run(app, Duration.ofMinutes(10)));
        assertThat(first.get("usersInserted").asLong()).as(first.toString()).isEqualTo(USERS);
        assertThat(members("all")).isEqualTo(USERS);
        assertThat(members("band")).isEqualTo(USERS);

        String newcomer = uid(USERS + 1);
        ldap.add("dn: uid=" + newcomer + "," + PEOPLE, "objectClass: inetOrgPerson", "uid: " + newcomer, "cn: Newcomer",
                "sn: Newcomer");
        ldap.modify("cn=all," + GROUPS, new Modification(ModificationType.DELETE, "member", "uid=" + uid(1) + "," + PEOPLE),
                new Modification(ModificationType.ADD, "member", "uid=" + newcomer + "," + PEOPLE));
        ldap.modify("cn=band," + GROUPS, new Modification(ModificationType.DELETE, "memberUid", uid(2)),
                new Modification(ModificationType.ADD, "memberUid", newcomer));
        int before = searches.count.get();
        long started = System.nanoTime();
        // today's bound is the searches, not the time: one lookup a member took minutes, so the wait is long
        JsonNode second = done(LdapRuns.run(app, Duration.ofMinutes(10)));
        return new Delta(searches.count.get() - before, (System.nanoTime() - started) / 1_000_000, second);
    }

    @Test
    void aDeltaTouchingGroupsOfThousandsOfMembersLooksThemUpInBatches() throws Exception {
        Delta delta = changeThreeEntriesAndRunTheDelta();
        JsonNode second = delta.run();
        assertThat(second.get("usersInserted").asLong()).as(second.toString()).isEqualTo(1);
        assertThat(second.get("usersUpdated").asLong()).isZero();
        assertThat(delta.searches()).as("root DSE, users, groups, then members in batches; not one search a member")
                .isLessThan(40);
        assertThat(members("all")).isEqualTo(USERS);
        assertThat(members("band")).isEqualTo(USERS);
        assertThat(app.jdbc().query("select u.account || ':' || g.name from dir_membership m join dir_group g on g.id = "
                + "m.group_id join dir_user u on u.id = m.user_id where u.account in (?, ?, ?) order by u.account, g.name",
                rs -> rs.getString(1), uid(1), uid(2), uid(USERS + 1)))
                .as("user 1 left all, user 2 left band, the newcomer joined both")
                .containsExactly(uid(1) + ":band", uid(2) + ":all", uid(USERS + 1) + ":all", uid(USERS + 1) + ":band");
        assertThat(second.get("membershipsWritten").asLong()).as("two added, two removed").isEqualTo(4);
        assertThat(second.get("errors").asLong()).isEqualTo(4);
        assertThat(second.get("rowErrors").toString()).contains("member 'uid=ghost," + PEOPLE + "': no such entry",
                "member 'cn=printer," + PEOPLE + "' does not match the filter (objectClass=inetOrgPerson)",
                "member 'cn=band," + GROUPS + "' is not under base-dn " + PEOPLE,
                "member account 'nobody': 0 users under " + PEOPLE + " have it");
    }
}
