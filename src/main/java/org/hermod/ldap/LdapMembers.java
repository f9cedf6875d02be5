package org.hermod.ldap;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Finds the directory user a group's member value means, during one run: a DN ({@code member},
 * {@code uniqueMember}) or an account ({@code memberUid}).
 *
 * <p>The users the run read (and imported) are remembered by normalised DN, and by account when the map has
 * {@code group.memberUid}: a member is found without asking the server again. The cost is heap for the whole run,
 * estimated at 200 bytes a user (a 40-character DN and a 36-character entryUUID in a {@link HashMap}), 20 MB at
 * 100,000 users, twice that with {@code memberUid}. The DN cannot be left out by reading the id from the RDN, because
 * the id (entryUUID by default) is seldom the RDN.
 *
 * <p>A full run read every user, so a member it does not know is not one of its users: outside base-dn, not matching
 * the filter, skipped as a bad entry, or a group (nested groups are not expanded). A delta run read only the users
 * that changed, so a member it does not know is asked of the server ({@link Lookup}), which says whether it is a user
 * of this import and gives its id.
 */
final class LdapMembers {

    /** A member's user id, or why it has none. */
    record Resolution(String sisId, String problem) {
        static Resolution of(String sisId) {
            return new Resolution(sisId, null);
        }

        static Resolution problem(String problem) {
            return new Resolution(null, problem);
        }
    }

    /** Asks the server about a member the run did not read (delta runs). */
    interface Lookup {
        /** The user entry at {@code dn} if it is under base-dn and matches the user filter. */
        Resolution byDn(DN dn) throws LDAPException;

        /** The one user entry under base-dn with this account. */
        Resolution byAccount(String account) throws LDAPException;
    }

    private final DN baseDn;
    private final boolean byAccounts;
    private final Lookup lookup;
    private final Map<String, String> dns = new HashMap<>();
    private final Map<String, String> accounts = new HashMap<>();

    /**
     * @param byAccounts remember users by account too ({@code group.memberUid} is mapped)
     * @param lookup     null in a full run: what the run did not read is not one of its users
     */
    LdapMembers(DN baseDn, boolean byAccounts, Lookup lookup) {
        this.baseDn = baseDn;
        this.byAccounts = byAccounts;
        this.lookup = lookup;
    }

    /** A user this run imported. */
    void add(DN dn, String sisId, String account) {
        dns.put(dn.toNormalizedString(), sisId);
        if (byAccounts && account != null) {
            accounts.put(account.toLowerCase(Locale.ROOT), sisId);
        }
    }

    Resolution byDn(String value) throws LDAPException {
        DN dn;
        try {
            dn = new DN(value);
        } catch (LDAPException e) {
            return Resolution.problem("member '" + value + "' is not a DN");
        }
        String key = dn.toNormalizedString();
        String known = dns.get(key);
        if (known != null) {
            return Resolution.of(known);
        }
        if (!dn.isDescendantOf(baseDn, true)) {
            return Resolution.problem("member '" + value + "' is not under base-dn " + baseDn
                    + ", so not a user of this import (a group? nested groups are not expanded)");
        }
        if (lookup == null) {
            return Resolution.problem("member '" + value + "' is not a user this run imported (it does not match the filter, "
                    + "was skipped as a bad entry, or is a group: nested groups are not expanded)");
        }
        Resolution found = lookup.byDn(dn);
        if (found.sisId() != null) {
            dns.put(key, found.sisId());
        }
        return found;
    }

    Resolution byAccount(String account) throws LDAPException {
        String key = account.toLowerCase(Locale.ROOT);
        String known = accounts.get(key);
        if (known != null) {
            return Resolution.of(known);
        }
        if (lookup == null) {
            return Resolution.problem("member account '" + account + "' is not a user this run imported");
        }
        Resolution found = lookup.byAccount(account);
        if (found.sisId() != null) {
            accounts.put(key, found.sisId());
        }
        return found;
    }
}
