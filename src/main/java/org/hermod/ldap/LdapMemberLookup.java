package org.hermod.ldap;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.RDN;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a delta run finds the members it did not read: asks the server, a batch of members per search, under base-dn
 * with the user filter. A DN cannot be searched for as such on every server ({@code entryDN} is OpenLDAP's,
 * {@code distinguishedName} AD's), but the values of its RDN are attributes of the entry (RFC 4512 2.3.1): a batch is
 * {@code (&filter(|(uid=a)(uid=b)…))}, and of what it returns only the entries at the DNs asked count (a
 * {@code uid=a} elsewhere under base-dn does not). The DNs it does not return are asked again without the user filter,
 * so that "no such entry" and "does not match the filter" are told apart as a base search of each DN told them.
 * The searches are paged as the run's. The RDN attributes should be indexed for equality ({@code uid}, {@code cn}
 * usually are).
 */
final class LdapMemberLookup implements LdapMembers.Lookup {

    private final LDAPConnection ldap;
    private final LdapImportSettings s;
    private final LdapAttributeMap map;
    private final boolean paged;

    LdapMemberLookup(LDAPConnection ldap, LdapImportSettings s, LdapAttributeMap map, boolean paged) {
        this.ldap = ldap;
        this.s = s;
        this.map = map;
        this.paged = paged;
    }

    @Override
    public Map<String, LdapMembers.Resolution> byDns(List<DN> dns) throws LDAPException {
        Map<String, DN> wanted = new HashMap<>();
        dns.forEach(dn -> wanted.put(dn.toNormalizedString(), dn));
        Map<String, LdapMembers.Resolution> found = new HashMap<>();
        search(Filter.createANDFilter(Filter.create(s.filter()), byRdn(dns)), map.sisId().toArray(String[]::new), entry -> {
            DN dn = wanted.get(entry.getParsedDN().toNormalizedString());
            if (dn != null) {
                found.put(dn.toNormalizedString(), id(entry, "member '" + dn + "'"));
            }
        });
        List<DN> missing = dns.stream().filter(dn -> !found.containsKey(dn.toNormalizedString())).toList();
        if (missing.isEmpty()) {
            return found;
        }
        Set<String> exist = new HashSet<>();
        search(byRdn(missing), new String[] {"1.1"}, entry -> exist.add(entry.getParsedDN().toNormalizedString()));
        for (DN dn : missing) {
            found.put(dn.toNormalizedString(), exist.contains(dn.toNormalizedString())
                    ? LdapMembers.Resolution.problem("member '" + dn + "' does not match the filter " + s.filter()
                            + " (a group? nested groups are not expanded)")
                    : LdapMembers.Resolution.problem("member '" + dn + "': no such entry"));
        }
        return found;
    }

    /**
     * An account matches the entries whose account attribute has it, compared ignoring case as {@code uid}'s
     * matching rule does; an account that more or fewer than one user has is a problem.
     */
    @Override
    public Map<String, LdapMembers.Resolution> byAccounts(List<String> accounts) throws LDAPException {
        Map<String, List<Entry>> holders = new HashMap<>();
        accounts.forEach(a -> holders.put(LdapMembers.accountKey(a), new ArrayList<>()));
        Filter any = Filter.createORFilter(accounts.stream().map(a -> Filter.createEqualityFilter(map.account(), a)).toList());
        List<String> attributes = new ArrayList<>(map.sisId());
        attributes.add(map.account());
        search(Filter.createANDFilter(Filter.create(s.filter()), any), attributes.toArray(String[]::new), entry -> {
            String[] values = entry.getAttributeValues(map.account());
            for (String v : values == null ? new String[0] : values) {
                List<Entry> users = holders.get(LdapMembers.accountKey(v));
                if (users != null && !users.contains(entry)) {
                    users.add(entry);
                }
            }
        });
        Map<String, LdapMembers.Resolution> found = new HashMap<>();
        for (String account : accounts) {
            List<Entry> users = holders.get(LdapMembers.accountKey(account));
            found.put(LdapMembers.accountKey(account), users.size() != 1
                    ? LdapMembers.Resolution.problem("member account '" + account + "': " + users.size() + " users under "
                            + s.baseDn() + " have it")
                    : id(users.get(0), "member account '" + account + "'"));
        }
        return found;
    }

    /** {@code (|…)} of one equality filter per DN on the values of its RDN, ANDed when the RDN has several. */
    static Filter byRdn(List<DN> dns) {
        List<Filter> each = new ArrayList<>();
        for (DN dn : dns) {
            RDN rdn = dn.getRDN();
            String[] names = rdn.getAttributeNames();
            byte[][] values = rdn.getByteArrayAttributeValues();
            List<Filter> parts = new ArrayList<>();
            for (int i = 0; i < names.length; i++) {
                parts.add(Filter.createEqualityFilter(names[i], values[i]));
            }
            each.add(parts.size() == 1 ? parts.get(0) : Filter.createANDFilter(parts));
        }
        return Filter.createORFilter(each);
    }

    private void search(Filter filter, String[] attributes, LdapImporter.EntryStep<RuntimeException> step)
            throws LDAPException {
        LdapImporter.search(ldap, paged, s.pageSize(), s.baseDn(), filter, attributes, step);
    }

    private LdapMembers.Resolution id(Entry entry, String member) {
        String id = map.id(entry);
        return id == null ? LdapMembers.Resolution.problem(member + " has none of " + String.join(",", map.sisId()))
                : LdapMembers.Resolution.of(id);
    }
}
