package org.hermod.ldap;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.hermod.config.ConfigException;
import org.hermod.config.Indexed;
import org.hermod.config.Settings;
import org.hermod.sis.Role;

/**
 * One directory users and groups are imported from, {@code hermod.ldap.imports[i].*} (docs/SIS.md "LDAP import"). Its job is
 * the route {@code sis-ldap-<name>}; what it writes has the directory source {@code ldap:<name>}.
 *
 * @param source       {@code dir_user.source} of what it writes, default {@code ldap:<name>}; a full and a delta import
 *                     of one directory share it
 * @param url          {@code ldap://host:port} or {@code ldaps://host:port}
 * @param startTls     on an ldap:// url: StartTLS before binding
 * @param tls          how TLS servers are trusted: {@code trust-store} (+ {@code trust-store-password}), read at
 *                     start-up, or the JVM trust store
 * @param bindPassword a secret: no default
 * @param filter       which entries are users (ANDed with the modifyTimestamp condition in a delta run)
 * @param groups       whether groups are imported too
 * @param groupBaseDn  subtree searched for groups, default {@code baseDn}
 * @param groupFilter  which entries are groups (ANDed with the modifyTimestamp condition in a delta run)
 * @param pageSize     entries per page of the paged search (RFC 2696)
 * @param full         full: users of this source the search no longer returns are ended after the grace; delta:
 *                     only entries changed since the last run are read
 * @param mapping      the attribute map file
 * @param reportFolder where each run's report CSV is kept
 * @param maxEndPercent a full run that would end more than this share of the source's active users is held until
 *                     an operator confirms it (docs/SIS.md, deletion threshold; 100: never)
 */
public record LdapImportSettings(String name, String source, String tenant, String url, boolean startTls, LdapTls tls,
                                 String bindDn, String bindPassword, String baseDn, String filter,
                                 boolean groups, String groupBaseDn, String groupFilter, int pageSize, boolean full,
                                 Path mapping, Role defaultRole, Duration grace, boolean welcome, Path reportFolder,
                                 int maxEndPercent) {

    /** groupOfNames (member) and groupOfUniqueNames (uniqueMember); Active Directory: {@code (objectClass=group)}. */
    public static final String GROUP_FILTER = "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))";

    public static List<LdapImportSettings> all(Settings settings) {
        return Indexed.all(settings, "hermod.ldap.imports").stream().map(i -> of(settings, i)).toList();
    }

    private static LdapImportSettings of(Settings settings, Indexed i) {
        String name = i.string("name");
        if (!name.matches("[a-z0-9][a-z0-9-]*")) {
            throw new ConfigException(i.key("name"), "must be lower-case letters, digits and '-', was '" + name + "'");
        }
        String url = i.string("url");
        if (!url.matches("(?i)ldaps?://.+")) {
            throw new ConfigException(i.key("url"), "must start with ldap:// or ldaps://");
        }
        boolean full = switch (i.string("mode", "full").trim().toLowerCase(Locale.ROOT)) {
            case "full" -> true;
            case "delta" -> false;
            default -> throw new ConfigException(i.key("mode"), "must be full or delta");
        };
        Role defaultRole = i.optional("default-role").filter(v -> !v.isBlank()).map(v -> {
            try {
                return Role.valueOf(v.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(i.key("default-role"), "must be STUDENT, TEACHER, STAFF, GUARDIAN or OTHER");
            }
        }).orElse(null);
        String baseDn = i.string("base-dn");
        LdapTls tls = LdapTls.of(i.key("trust-store"), i.optional("trust-store"), i.optional("trust-store-password"));
        return new LdapImportSettings(name, i.string("source", "ldap:" + name), i.string("tenant", settings.string("hermod.tenant.default")), url,
                i.bool("start-tls", false), tls, i.string("bind-dn"), i.string("bind-password"), baseDn,
                i.string("filter", "(objectClass=inetOrgPerson)"), i.bool("groups", true), i.string("group-base-dn", baseDn), i.string("group-filter", GROUP_FILTER),
                i.integer("page-size", 500, 1, 100_000), full,
                Path.of(i.string("mapping", "mappings/ldap-inetorgperson.properties")), defaultRole,
                i.duration("grace", settings.duration("hermod.sis.grace")), i.bool("welcome", true),
                Path.of(i.string("report-folder", settings.string("hermod.data.dir") + "/ldap/" + name)),
                i.integer("max-end-percent", settings.integer("hermod.sis.max-end-percent", 0, 100), 0, 100));
    }

    @Override
    public String toString() {
        return "LdapImportSettings[" + name + ", " + url + ", " + bindDn + ", " + baseDn + ", " + filter
                + (groups ? ", " + groupBaseDn + ", " + groupFilter : ", no groups") + "]";
    }
}
