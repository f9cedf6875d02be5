package org.hermod.ldap;

import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import org.hermod.config.ConfigException;
import org.hermod.sis.RowError;

/**
 * Which attribute of an LDAP group entry fills which field of a directory group: the {@code group.*} keys of the
 * attribute map file ({@code mappings/ldap-inetorgperson.properties} documents them). A key the file leaves out takes
 * the default written there, so a map made before groups were imported still works. Pure: no connection, no
 * database.
 *
 * @param sisId          id attributes, the first the entry has wins ({@code dir_group.sis_id})
 * @param name           attribute of the group's name
 * @param members        attributes holding members' DNs ({@code member}, {@code uniqueMember})
 * @param memberAccounts attributes holding members' accounts ({@code memberUid} of posixGroup); empty for none
 * @param kind           attribute whose value {@link #kinds} maps to CLASS or TEAM; null: always {@link #defaultKind}
 * @param kinds          value (lower case) to CLASS or TEAM
 * @param defaultKind    CLASS or TEAM when {@code kind} is absent or has a value the table does not know
 * @param school         attribute of the group's school ({@code dir_group.school}); null for none
 */
public record LdapGroupMap(List<String> sisId, String name, List<String> members, List<String> memberAccounts, String kind,
                           Map<String, String> kinds, String defaultKind, String school) {

    /** A group as the entry describes it; {@code incomplete}: the server sent only a range of its members (AD). */
    public record LdapGroup(String dn, String sisId, String name, String kind, String school, List<String> memberDns,
                            List<String> memberAccounts, boolean incomplete) {
    }

    static final Set<String> KEYS = Set.of("group.sisId", "group.name", "group.member", "group.memberUid", "group.kind",
            "group.defaultKind", "group.school");

    /** The {@code group.*} keys of {@code p}; {@code name} names the file in errors. */
    static LdapGroupMap of(String name, Properties p) {
        Map<String, String> kinds = new HashMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("group.kind.")) {
                kinds.put(key.substring(11).trim().toLowerCase(Locale.ROOT), kind(name, key, p.getProperty(key)));
            }
        }
        List<String> ids = list(p, "group.sisId", "entryUUID,cn");
        if (ids.isEmpty()) {
            throw new ConfigException(name, "group.sisId must name at least one attribute");
        }
        String groupName = value(p, "group.name", "cn");
        if (groupName == null) {
            throw new ConfigException(name, "group.name must name an attribute");
        }
        return new LdapGroupMap(ids, groupName, list(p, "group.member", "member,uniqueMember"), list(p, "group.memberUid", ""),
                value(p, "group.kind", ""), Map.copyOf(kinds), kind(name, "group.defaultKind", value(p, "group.defaultKind", "TEAM")),
                value(p, "group.school", ""));
    }

    /** The attributes to ask the server for. */
    public String[] attributes(String... more) {
        Set<String> names = new LinkedHashSet<>(sisId);
        names.add(name);
        names.addAll(members);
        names.addAll(memberAccounts);
        for (String a : new String[] {kind, school}) {
            if (a != null) {
                names.add(a);
            }
        }
        names.addAll(List.of(more));
        return names.toArray(String[]::new);
    }

    /**
     * The group an entry describes, or empty when it is skipped (no id, no name); problems go to {@code errors} with
     * the entry's DN as file and its number in the search as line. Members are not resolved here.
     */
    public Optional<LdapGroup> toGroup(Entry entry, int number, Consumer<RowError> errors) {
        String dn = entry.getDN();
        String id = sisId.stream().map(a -> text(entry, a)).filter(v -> v != null).findFirst().orElse(null);
        String groupName = text(entry, name);
        if (id == null) {
            errors.accept(new RowError(dn, number, String.join(",", sisId), "no id: the group has none of these attributes"));
        }
        if (groupName == null) {
            errors.accept(new RowError(dn, number, name, "required value missing (the group's name)"));
        }
        if (id == null || groupName == null) {
            return Optional.empty();
        }
        String kindValue = text(entry, kind);
        String groupKind = kindValue == null ? defaultKind
                : kinds.getOrDefault(kindValue.toLowerCase(Locale.ROOT), defaultKind);
        boolean[] incomplete = {false};
        List<String> dns = values(entry, members, incomplete).stream().map(LdapGroupMap::withoutUid).toList();
        List<String> accounts = values(entry, memberAccounts, incomplete);
        return Optional.of(new LdapGroup(dn, id, groupName, groupKind, text(entry, school), dns, accounts, incomplete[0]));
    }

    /**
     * Every value of these attributes. Active Directory sends a long member list as {@code member;range=0-1499}
     * (range retrieval, not supported): those values are taken and {@code incomplete} is set.
     */
    private static List<String> values(Entry entry, List<String> attributes, boolean[] incomplete) {
        List<String> values = new ArrayList<>();
        for (Attribute a : entry.getAttributes()) {
            if (attributes.stream().anyMatch(n -> n.equalsIgnoreCase(a.getBaseName()))) {
                if (a.getOptions().stream().anyMatch(o -> o.toLowerCase(Locale.ROOT).startsWith("range="))) {
                    incomplete[0] = true;
                }
                Arrays.stream(a.getValues()).map(String::trim).filter(v -> !v.isEmpty()).forEach(values::add);
            }
        }
        return values;
    }

    /** uniqueMember is "DN#'0101'B" when it carries a unique identifier (nameAndOptionalUID syntax). */
    private static String withoutUid(String value) {
        return value.matches("(?s).*#'[01]*'B") ? value.substring(0, value.lastIndexOf("#'")) : value;
    }

    private static String text(Entry entry, String attribute) {
        if (attribute == null) {
            return null;
        }
        String v = entry.getAttributeValue(attribute);
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** The key's value; {@code fallback} when the file lacks the key; null when either is blank. */
    private static String value(Properties p, String key, String fallback) {
        String v = p.getProperty(key, fallback).trim();
        return v.isEmpty() ? null : v;
    }

    private static List<String> list(Properties p, String key, String fallback) {
        return Arrays.stream(p.getProperty(key, fallback).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static String kind(String name, String key, String value) {
        String k = value == null ? "" : value.trim().toUpperCase(Locale.ROOT);
        if (!k.equals("CLASS") && !k.equals("TEAM")) {
            throw new ConfigException(name, key + " must be CLASS or TEAM, was '" + value + "'");
        }
        return k;
    }
}
