package org.hermod.ldap;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
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
 * that changed, so the members it does not know are asked of the server ({@link Lookup}), which says whether each is
 * a user of this import and gives its id. They are asked {@value #BATCH} at a time, not one by one: a changed group of
 * 100,000 members costs some 200 searches rather than 100,000. What the server answered is kept for the run, so a
 * member of several changed groups is asked once.
 */
final class LdapMembers {

    /** Members asked of the server in one search. */
    static final int BATCH = 500;

    /** A member's user id, or why it has none. */
    record Resolution(String sisId, String problem) {
        static Resolution of(String sisId) {
            return new Resolution(sisId, null);
        }

        static Resolution problem(String problem) {
            return new Resolution(null, problem);
        }
    }

    /** Asks the server about members the run did not read (delta runs), at most {@link #BATCH} at a time. */
    interface Lookup {
        /**
         * For each DN (all under base-dn), the user entry there if it matches the user filter, or why not; keyed by
         * the normalised DN.
         */
        Map<String, Resolution> byDns(List<DN> dns) throws LDAPException;

        /** For each account, the one user entry under base-dn with it, or why not; keyed by {@link #accountKey}. */
        Map<String, Resolution> byAccounts(List<String> accounts) throws LDAPException;
    }

    private final DN baseDn;
    private final boolean byAccounts;
    private final Lookup lookup;
    private final Map<String, String> dns = new HashMap<>();
    private final Map<String, String> accounts = new HashMap<>();
    private final Map<String, Resolution> askedDns = new HashMap<>();
    private final Map<String, Resolution> askedAccounts = new HashMap<>();

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
            accounts.put(accountKey(account), sisId);
        }
    }

    static String accountKey(String account) {
        return account.trim().toLowerCase(Locale.ROOT);
    }

    /** What each member DN of a group means, in the order given. */
    List<Resolution> byDns(List<String> values) throws LDAPException {
        List<Resolution> found = new ArrayList<>(values.size());
        Map<String, DN> unknown = new LinkedHashMap<>();
        List<DN> parsed = new ArrayList<>(values.size());
        for (String value : values) {
            DN dn = parse(value);
            parsed.add(dn);
            if (dn != null && lookup != null && dn.isDescendantOf(baseDn, true)) {
                String key = dn.toNormalizedString();
                if (!dns.containsKey(key) && !askedDns.containsKey(key)) {
                    unknown.putIfAbsent(key, dn);
                }
            }
        }
        List<DN> ask = List.copyOf(unknown.values());
        for (int from = 0; from < ask.size(); from += BATCH) {
            Map<String, Resolution> answers = lookup.byDns(ask.subList(from, Math.min(ask.size(), from + BATCH)));
            answers.forEach((key, answer) -> {
                if (answer.sisId() != null) {
                    dns.put(key, answer.sisId());
                } else {
                    askedDns.put(key, answer);
                }
            });
        }
        for (int i = 0; i < values.size(); i++) {
            found.add(resolve(values.get(i), parsed.get(i)));
        }
        return found;
    }

    private static DN parse(String value) {
        try {
            return new DN(value);
        } catch (LDAPException e) {
            return null;
        }
    }

    private Resolution resolve(String value, DN dn) {
        if (dn == null) {
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
        return askedDns.get(key);
    }

    /** What each member account of a group means, in the order given. */
    List<Resolution> byAccounts(List<String> values) throws LDAPException {
        if (lookup != null) {
            Map<String, String> unknown = new LinkedHashMap<>();
            for (String account : values) {
                String key = accountKey(account);
                if (!accounts.containsKey(key) && !askedAccounts.containsKey(key)) {
                    unknown.putIfAbsent(key, account);
                }
            }
            List<String> ask = List.copyOf(unknown.values());
            for (int from = 0; from < ask.size(); from += BATCH) {
                Map<String, Resolution> answers = lookup.byAccounts(ask.subList(from, Math.min(ask.size(), from + BATCH)));
                answers.forEach((key, answer) -> {
                    if (answer.sisId() != null) {
                        accounts.put(key, answer.sisId());
                    } else {
                        askedAccounts.put(key, answer);
                    }
                });
            }
        }
        List<Resolution> found = new ArrayList<>(values.size());
        for (String account : values) {
            String key = accountKey(account);
            String known = accounts.get(key);
            found.add(known != null ? Resolution.of(known) : lookup == null
                    ? Resolution.problem("member account '" + account + "' is not a user this run imported")
                    : askedAccounts.get(key));
        }
        return found;
    }
}
