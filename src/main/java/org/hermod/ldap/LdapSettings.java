package org.hermod.ldap;

import java.util.Optional;
import org.hermod.config.ConfigException;
import org.hermod.config.Settings;

/**
 * The LDAP directory of record, {@code hermod.ldap.*} (docs/SIS.md): where temporary passwords are set. Off when
 * {@code hermod.ldap.url} is not set.
 *
 * @param url          {@code ldap://host:port} or {@code ldaps://host:port}
 * @param startTls     on an ldap:// url: StartTLS before binding
 * @param tls          how TLS servers are trusted: {@code hermod.ldap.trust-store} or the JVM trust store
 * @param bindDn       the account Hermod binds as; it may set other users' passwords
 * @param bindPassword its password: a secret, no default
 * @param userBaseDn   where users are searched (whole subtree)
 * @param userFilter   finds a user by account name; {@code {account}} is replaced, escaped
 */
public record LdapSettings(String url, boolean startTls, LdapTls tls, String bindDn, String bindPassword, String userBaseDn, String userFilter) {

    public static Optional<LdapSettings> from(Settings settings) {
        Optional<String> url = settings.optional("hermod.ldap.url");
        if (url.isEmpty()) {
            return Optional.empty();
        }
        if (!url.get().matches("(?i)ldaps?://.+")) {
            throw new ConfigException("hermod.ldap.url", "must start with ldap:// or ldaps://");
        }
        String filter = settings.string("hermod.ldap.user-filter", "(uid={account})");
        if (!filter.contains("{account}")) {
            throw new ConfigException("hermod.ldap.user-filter", "must contain {account}");
        }
        LdapTls tls = LdapTls.of("hermod.ldap.trust-store", settings.optional("hermod.ldap.trust-store"),
                settings.optional("hermod.ldap.trust-store-password"));
        return Optional.of(new LdapSettings(url.get(), settings.optional("hermod.ldap.start-tls").isPresent()
                && settings.bool("hermod.ldap.start-tls"), tls,
                settings.string("hermod.ldap.bind-dn"),
                settings.string("hermod.ldap.bind-password"), settings.string("hermod.ldap.user-base-dn"), filter));
    }

    @Override
    public String toString() {
        return "LdapSettings[" + url + ", " + bindDn + ", " + userBaseDn + ", " + userFilter + "]";
    }
}
