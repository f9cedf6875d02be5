package org.hermod.ldap;

import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.util.StaticUtils;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
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
import java.util.function.Function;
import org.hermod.config.ConfigException;
import org.hermod.sis.ContactChecks;
import org.hermod.sis.Origin;
import org.hermod.sis.Role;
import org.hermod.sis.RowError;
import org.hermod.sis.SisUser;

/**
 * Which attribute of an LDAP entry fills which field of a directory user: a file under {@code mappings/}
 * ({@code mappings/ldap-inetorgperson.properties} documents every key). Its {@code group.*} keys are the
 * {@link LdapGroupMap}. Pure: no connection, no database.
 *
 * <p>{@link #toUser} judges an entry whole, as the file import judges a row: a missing id, account, family name or
 * role, or an unreadable end date skips the entry; a bad mobile number or e-mail address is reported and the user is
 * kept without it.
 */
public record LdapAttributeMap(List<String> sisId, String account, String givenName, String familyName, String mobile,
                               String email, String role, Role defaultRole, Map<String, Role> roles, String endDate,
                               DateTimeFormatter endDateFormat, LdapGroupMap groups) {

    private static final Set<String> KEYS = Set.of("sisId", "account", "givenName", "familyName", "mobile", "email", "role",
            "defaultRole", "endDate", "endDateFormat");

    public static LdapAttributeMap load(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("LDAP attribute map " + file + " cannot be read", e);
        }
        return of(file.toString(), p);
    }

    static LdapAttributeMap of(String name, Properties p) {
        Map<String, Role> roles = new HashMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("role.")) {
                roles.put(key.substring(5).trim().toLowerCase(Locale.ROOT), role(name, key, p.getProperty(key)));
            } else if (!KEYS.contains(key) && !LdapGroupMap.KEYS.contains(key) && !key.startsWith("group.kind.")) {
                throw new ConfigException(name, "unknown key '" + key + "' (see mappings/ldap-inetorgperson.properties)");
            }
        }
        List<String> ids = Arrays.stream(value(p, "sisId").orElse("").split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .toList();
        if (ids.isEmpty()) {
            throw new ConfigException(name, "sisId is required (attribute names, comma-separated)");
        }
        String format = value(p, "endDateFormat").orElse("generalized");
        DateTimeFormatter endDateFormat;
        try {
            endDateFormat = format.equalsIgnoreCase("generalized") ? null
                    : DateTimeFormatter.ofPattern(format.replace("y", "u")).withResolverStyle(ResolverStyle.STRICT);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, "endDateFormat '" + format + "': " + e.getMessage());
        }
        return new LdapAttributeMap(ids, required(name, p, "account"), value(p, "givenName").orElse(null),
                required(name, p, "familyName"), value(p, "mobile").orElse(null), value(p, "email").orElse(null),
                value(p, "role").orElse(null), value(p, "defaultRole").map(v -> role(name, "defaultRole", v)).orElse(null),
                Map.copyOf(roles), value(p, "endDate").orElse(null), endDateFormat, LdapGroupMap.of(name, p));
    }

    /** The same map with another default role (a directory of staff only, say); null keeps this one's. */
    public LdapAttributeMap withDefaultRole(Role role) {
        return role == null ? this : new LdapAttributeMap(sisId, account, givenName, familyName, mobile, email, this.role,
                role, roles, endDate, endDateFormat, groups);
    }

    /** The attributes to ask the server for (operational ones such as entryUUID are only returned when named). */
    public String[] attributes(String... more) {
        Set<String> names = new LinkedHashSet<>(sisId);
        for (String a : new String[] {account, givenName, familyName, mobile, email, role, endDate}) {
            if (a != null) {
                names.add(a);
            }
        }
        names.addAll(List.of(more));
        return names.toArray(String[]::new);
    }

    /**
     * The user an entry describes, or empty when it is skipped; every problem goes to {@code errors} as a
     * {@link RowError} whose file is the entry's DN and line its number in the search.
     */
    public Optional<SisUser> toUser(Entry entry, int number, Consumer<RowError> errors) {
        List<RowError> found = new ArrayList<>();
        boolean[] rejected = {false};
        Consumer<RowError> reject = e -> {
            found.add(e);
            rejected[0] = true;
        };
        String dn = entry.getDN();
        String idAttribute = sisId.stream().filter(a -> text(entry, a) != null).findFirst().orElse(null);
        String id = idAttribute == null ? null : text(entry, idAttribute);
        if (id == null) {
            reject.accept(new RowError(dn, number, String.join(",", sisId), "no id: the entry has none of these attributes"));
        }
        String accountValue = text(entry, account);
        if (accountValue == null) {
            reject.accept(new RowError(dn, number, account, "required value missing (the account)"));
        }
        String family = text(entry, familyName);
        if (family == null) {
            reject.accept(new RowError(dn, number, familyName, "required value missing (the family name)"));
        }
        Role roleValue = role(entry);
        if (roleValue == null) {
            reject.accept(new RowError(dn, number, role == null ? "defaultRole" : role, "no known role "
                    + (role == null ? "" : valuesOf(entry, role)) + "and no defaultRole"));
        }
        LocalDate end = null;
        String endText = text(entry, endDate);
        if (endText != null) {
            try {
                end = endDateFormat == null ? StaticUtils.decodeGeneralizedTime(endText).toInstant().atZone(ZoneOffset.UTC)
                        .toLocalDate() : LocalDate.parse(endText, endDateFormat);
            } catch (ParseException | DateTimeParseException e) {
                reject.accept(new RowError(dn, number, endDate, "not a date '" + endText + "'"));
            }
        }
        String mobileValue = contact(entry, mobile, ContactChecks::phoneProblem, dn, number, found);
        String emailValue = contact(entry, email, ContactChecks::emailProblem, dn, number, found);
        found.forEach(errors);
        if (rejected[0]) {
            return Optional.empty();
        }
        return Optional.of(new SisUser(id, null, null, accountValue, text(entry, givenName), family, roleValue, mobileValue,
                emailValue, null, end, List.of(), new Origin(dn, number, idAttribute)));
    }

    /** The entry's id: the value of the first {@link #sisId} attribute it has, or null. */
    public String id(Entry entry) {
        return sisId.stream().map(a -> text(entry, a)).filter(v -> v != null).findFirst().orElse(null);
    }

    /** The value, or null (reported, user kept) when it is not plausible. */
    private static String contact(Entry entry, String attribute, Function<String, Optional<String>> check, String dn,
                                  int number, List<RowError> found) {
        String value = text(entry, attribute);
        if (value == null) {
            return null;
        }
        Optional<String> problem = check.apply(value);
        problem.ifPresent(reason -> found.add(new RowError(dn, number, attribute, reason)));
        return problem.isPresent() ? null : value;
    }

    private Role role(Entry entry) {
        if (role != null) {
            Attribute a = entry.getAttribute(role);
            if (a != null) {
                // eduPersonAffiliation lists "member" besides "student" or "faculty": a value mapped to OTHER only
                // decides when no value maps to anything else
                Role found = null;
                for (String v : a.getValues()) {
                    Role r = roles.get(v.trim().toLowerCase(Locale.ROOT));
                    if (r != null && r != Role.OTHER) {
                        return r;
                    }
                    found = found == null ? r : found;
                }
                if (found != null) {
                    return found;
                }
            }
        }
        return defaultRole;
    }

    private static String valuesOf(Entry entry, String attribute) {
        Attribute a = entry.getAttribute(attribute);
        return a == null ? "(no " + attribute + ") " : Arrays.toString(a.getValues()) + " ";
    }

    /** The attribute's first value, trimmed; null when absent or blank. */
    private static String text(Entry entry, String attribute) {
        if (attribute == null) {
            return null;
        }
        String v = entry.getAttributeValue(attribute);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static Optional<String> value(Properties p, String key) {
        return Optional.ofNullable(p.getProperty(key)).map(String::trim).filter(v -> !v.isEmpty());
    }

    private static String required(String name, Properties p, String key) {
        return value(p, key).orElseThrow(() -> new ConfigException(name, key + " is required (an attribute name)"));
    }

    private static Role role(String name, String key, String value) {
        try {
            return Role.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, key + " must be STUDENT, TEACHER, STAFF, GUARDIAN or OTHER, was '" + value + "'");
        }
    }
}
