package org.hermod.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.unboundid.ldap.sdk.Entry;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.hermod.config.ConfigException;
import org.hermod.sis.Role;
import org.hermod.sis.RowError;
import org.hermod.sis.SisUser;
import org.junit.jupiter.api.Test;

/** The shipped attribute map applied to entries, without a server. */
class LdapAttributeMapTest {

    private final LdapAttributeMap map = LdapAttributeMap.load(Path.of("mappings/ldap-inetorgperson.properties"));
    private final List<RowError> errors = new ArrayList<>();

    private Optional<SisUser> user(LdapAttributeMap m, String... ldif) throws Exception {
        return m.toUser(new Entry(ldif), 7, errors::add);
    }

    @Test
    void mapsAnInetOrgPersonAndFallsBackToUidForTheId() throws Exception {
        SisUser u = user(map, "dn: uid=anna,ou=people,dc=x", "uid: anna", "givenName: Anna", "sn: Berg", "mobile: +45 20 11 22 33",
                "mail: anna@x.dk", "eduPersonAffiliation: member", "eduPersonAffiliation: staff").orElseThrow();
        assertThat(errors).isEmpty();
        assertThat(List.of(u.sourcedId(), u.username(), u.givenName(), u.familyName(), u.role(), u.mobile(), u.email()))
                .containsExactly("anna", "anna", "Anna", "Berg", Role.STAFF, "+45 20 11 22 33", "anna@x.dk");
        assertThat(user(map, "dn: uid=b,dc=x", "entryUUID: 1234", "employeeNumber: 9", "uid: b", "sn: B",
                "eduPersonAffiliation: member").orElseThrow()).extracting(SisUser::sourcedId, SisUser::role)
                .containsExactly("1234", Role.OTHER);
    }

    @Test
    void judgesAnEntryWholeAndKeepsAUserWithABadEmail() throws Exception {
        assertThat(user(map, "dn: cn=x,dc=x", "cn: x", "mobile: abc")).isEmpty();
        assertThat(errors).extracting(RowError::column).containsExactly("entryUUID,employeeNumber,uid", "uid", "sn",
                "eduPersonAffiliation", "mobile");
        assertThat(errors).allMatch(e -> e.file().equals("cn=x,dc=x") && e.line() == 7);
        errors.clear();
        SisUser kept = user(map.withDefaultRole(Role.STUDENT), "dn: uid=c,dc=x", "uid: c", "sn: C", "mail: nope").orElseThrow();
        assertThat(kept.email()).isNull();
        assertThat(kept.role()).isEqualTo(Role.STUDENT);
        assertThat(errors).singleElement().extracting(RowError::reason).isEqualTo("not an e-mail address 'nope'");
    }

    @Test
    void readsTheEndDateAndRejectsUnknownKeys() throws Exception {
        Properties p = new Properties();
        p.setProperty("sisId", "employeeNumber");
        p.setProperty("account", "uid");
        p.setProperty("familyName", "sn");
        p.setProperty("defaultRole", "teacher");
        p.setProperty("endDate", "schacExpiryDate");
        LdapAttributeMap m = LdapAttributeMap.of("test", p);
        assertThat(user(m, "dn: uid=d,dc=x", "employeeNumber: 4", "uid: d", "sn: D", "schacExpiryDate: 20260731235959Z")
                .orElseThrow().endDate()).isEqualTo(LocalDate.of(2026, 7, 31));
        assertThat(user(m, "dn: uid=e,dc=x", "employeeNumber: 5", "uid: e", "sn: E", "schacExpiryDate: someday")).isEmpty();
        assertThat(errors).singleElement().extracting(RowError::reason).isEqualTo("not a date 'someday'");
        p.setProperty("surname", "sn");
        assertThatThrownBy(() -> LdapAttributeMap.of("test", p)).isInstanceOf(ConfigException.class).hasMessageContaining("surname");
    }

    @Test
    void mapsAGroupAndMarksAMemberListTheServerCutAsIncomplete() throws Exception {
        LdapGroupMap groups = map.groups();
        LdapGroupMap.LdapGroup g = groups.toGroup(new Entry("dn: cn=7a,ou=groups,dc=x", "cn: 7a",
                "uniqueMember: uid=a,dc=x#'0101'B", "member: uid=b,dc=x"), 3, errors::add).orElseThrow();
        assertThat(errors).isEmpty();
        assertThat(List.of(g.sisId(), g.name(), g.kind(), g.memberDns(), g.incomplete()))
                .as("cn is the fall-back id; TEAM the default kind")
                .containsExactly("7a", "7a", "TEAM", List.of("uid=a,dc=x", "uid=b,dc=x"), false);
        // Active Directory sends a group of more than 1,500 members as member;range=0-1499
        LdapGroupMap.LdapGroup cut = groups.toGroup(new Entry("dn: cn=all,dc=x", "cn: all", "member;range=0-1: uid=a,dc=x",
                "member;range=0-1: uid=b,dc=x"), 4, errors::add).orElseThrow();
        assertThat(cut.memberDns()).containsExactly("uid=a,dc=x", "uid=b,dc=x");
        assertThat(cut.incomplete()).isTrue();
        assertThat(groups.toGroup(new Entry("dn: ou=nameless,dc=x", "ou: nameless"), 5, errors::add)).isEmpty();
        assertThat(errors).extracting(RowError::column).containsExactly("entryUUID,cn", "cn");
    }

    @Test
    void readsTheGroupKindTableAndRejectsABadKind() throws Exception {
        Properties p = new Properties();
        p.setProperty("sisId", "uid");
        p.setProperty("account", "uid");
        p.setProperty("familyName", "sn");
        p.setProperty("group.kind", "businessCategory");
        p.setProperty("group.kind.Homeroom", "class");
        LdapGroupMap groups = LdapAttributeMap.of("test", p).groups();
        assertThat(groups.toGroup(new Entry("dn: cn=1b,dc=x", "cn: 1b", "businessCategory: HOMEROOM"), 1, errors::add)
                .orElseThrow().kind()).isEqualTo("CLASS");
        assertThat(groups.toGroup(new Entry("dn: cn=chess,dc=x", "cn: chess", "businessCategory: club"), 2, errors::add)
                .orElseThrow().kind()).isEqualTo("TEAM");
        p.setProperty("group.defaultKind", "club");
        assertThatThrownBy(() -> LdapAttributeMap.of("test", p)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("group.defaultKind must be CLASS or TEAM");
        p.remove("group.defaultKind");
        p.setProperty("group.members", "member");
        assertThatThrownBy(() -> LdapAttributeMap.of("test", p)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'group.members'");
    }
}
