package org.hermod.ldap;

import com.unboundid.asn1.ASN1OctetString;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.RootDSE;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.controls.SimplePagedResultsControl;
import com.unboundid.util.StaticUtils;
import java.sql.Connection;
import java.sql.SQLException;
import java.text.ParseException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.hermod.db.Jdbc;
import org.hermod.ldap.LdapGroupMap.LdapGroup;
import org.hermod.outbox.MobilePrefixes;
import org.hermod.sis.DirectoryWriter;
import org.hermod.sis.ImportLog;
import org.hermod.sis.Origin;
import org.hermod.sis.RowError;
import org.hermod.sis.SisClass;
import org.hermod.sis.SisEnrollment;
import org.hermod.sis.SisOrg;
import org.hermod.sis.SisUser;
import org.hermod.tenant.Tenants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports the users and groups of one LDAP directory (or Active Directory) into Hermod's directory, with the rules of
 * the file import: through the same {@link DirectoryWriter}, upserted by id within the tenant, source
 * {@code ldap:<name>}, one database transaction per run, recorded in {@code sis_import} (format {@code ldap}) so
 * {@code GET /api/imports} shows it. The searches are paged (RFC 2696 simple paged results) when the server supports
 * it. Users are read first, then groups (as the file import's classes, kind CLASS or TEAM) with their members as
 * memberships; members are found by {@link LdapMembers} (in a delta run, those it did not read by
 * {@link LdapMemberLookup}).
 *
 * <p>Delta: each run stores the highest {@code modifyTimestamp} of its users and groups in {@code ldap_import_state}
 * (in the run's transaction); the next delta run adds {@code (modifyTimestamp>=mark)} to both filters, and a changed
 * group's memberships are replaced by its list. A full run ends the users of this source the search no longer
 * returns, after the grace, and removes the memberships and empty groups the directory no longer has.
 */
public final class LdapImporter {

    private static final Logger LOG = LoggerFactory.getLogger(LdapImporter.class);
    static final String MODIFY_TIMESTAMP = "modifyTimestamp";

    /** What a run did. */
    public record Result(long importId, String status, DirectoryWriter.Counts counts, int pages, String highWater) {
    }

    private record Directory(LdapImportSettings settings, LdapAttributeMap map) {
    }

    private final Jdbc jdbc;
    private final Clock clock;
    private final Tenants tenants;
    private final MobilePrefixes prefixes;
    private final String defaultCountryCode;
    private final Map<String, Directory> directories = new LinkedHashMap<>();
    private final int batchSize;
    private final int progressEvery;

    /** Loads every attribute map now, so that a bad one stops the start-up. */
    public LdapImporter(Jdbc jdbc, Clock clock, Tenants tenants, MobilePrefixes prefixes, String defaultCountryCode,
                        List<LdapImportSettings> imports, int batchSize, int progressEvery) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.tenants = tenants;
        this.prefixes = prefixes;
        this.defaultCountryCode = defaultCountryCode;
        imports.forEach(s -> directories.put(s.name(), new Directory(s,
                LdapAttributeMap.load(s.mapping()).withDefaultRole(s.defaultRole()))));
        this.batchSize = batchSize;
        this.progressEvery = progressEvery;
    }

    public List<LdapImportSettings> imports() {
        return directories.values().stream().map(Directory::settings).toList();
    }

    /** The job's step ({@code sis-ldap-<name>}): one run of import {@code name}. */
    public Result run(String name) {
        Directory d = Optional.ofNullable(directories.get(name))
                .orElseThrow(() -> new IllegalArgumentException("no LDAP import named '" + name + "'"));
        LdapImportSettings s = d.settings();
        if (tenants.find(s.tenant()).isEmpty()) {
            throw new IllegalStateException("LDAP import " + name + ": unknown tenant '" + s.tenant() + "'");
        }
        String mark = s.full() ? null : highWater(name);
        String filter = changedSince(s.filter(), mark);
        String groupFilter = changedSince(s.groupFilter(), mark);
        LocalDate today = LocalDate.now(clock.withZone(tenants.find(s.tenant()).orElseThrow().zone()));
        DirectoryWriter.Counts none = new DirectoryWriter.Counts(0, 0, 0, 0, 0, 0, 0);
        try (ImportLog log = ImportLog.start(jdbc.dataSource(), clock, s.tenant(), s.source(), "ldap-" + name, null, "ldap",
                s.full(), progressEvery, s.reportFolder().resolve(".work"))) {
            // the deletion threshold holds a full run until an operator confirms one; the next full run then applies
            boolean confirmed = s.full() && jdbc.query("select status from sis_import where tenant_id = ? and source = ? "
                    + "and format = 'ldap' and status in ('DONE', 'CONFIRMED') order by id desc limit 1",
                    rs -> rs.getString(1), s.tenant(), s.source()).stream().anyMatch("CONFIRMED"::equals);
            DirectoryWriter.Options options = new DirectoryWriter.Options(s.tenant(), s.source(), log.id(), s.full(),
                    s.welcome(), today, today.plusDays(s.grace().toDays()), batchSize,
                    confirmed ? null : s.maxEndPercent());
            AtomicReference<DirectoryWriter.Hold> held = new AtomicReference<>();
            Function<String, String> mobile = mobileNormaliser();
            int[] pages = {0};
            AtomicReference<String> highest = new AtomicReference<>(mark);
            DirectoryWriter.Counts counts;
            try {
                counts = jdbc.tx(c -> {
                    AtomicReference<DirectoryWriter> writer = new AtomicReference<>();
                    DirectoryWriter w = new DirectoryWriter(c, options, clock.instant(), mobile, log::error,
                            () -> log.progress(writer.get().rows(), writer.get().errorCount()));
                    writer.set(w);
                    try (LDAPConnection ldap = connect(s)) {
                        pages[0] = read(ldap, c, s, d.map(), filter, groupFilter, w, highest);
                    } catch (LDAPException e) {
                        // the message holds the server's diagnostic, never the bind password
                        throw new IllegalStateException("LDAP " + s.url() + ": " + e.getResultCode() + " "
                                + (e.getDiagnosticMessage() == null ? e.getMessage() : e.getDiagnosticMessage()), e);
                    }
                    DirectoryWriter.Counts result = w.finish();
                    if (w.held() != null) {
                        held.set(w.held());
                        c.rollback();
                        return result;
                    }
                    storeHighWater(c, s, highest.get());
                    return result;
                });
            } catch (RuntimeException e) {
                log.finish("FAILED", none, e.getMessage(), s.reportFolder());
                throw e;
            }
            if (held.get() != null) {
                DirectoryWriter.Counts read = new DirectoryWriter.Counts(counts.rows(), 0, 0, 0, 0, 0, counts.errors());
                log.finish("HELD", read, "held, nothing applied: the search " + held.get().describe() + " (max-end-percent "
                        + "of LDAP import " + name + "); if that is right, confirm it with POST /api/imports/" + log.id()
                        + "/confirm, and the next run ends those users", s.reportFolder());
                return new Result(log.id(), "HELD", read, pages[0], mark);
            }
            String message = s.url() + " " + filter + (s.groups() ? " + " + groupFilter : "") + ": " + pages[0] + " page(s)"
                    + (counts.errors() == 0 ? "" : ", " + counts.errors() + " bad entr(ies) skipped or cut, see the report")
                    + (s.full() ? "" : mark == null ? ", delta without a mark: all entries read" : ", changed since " + mark);
            log.finish("DONE", counts, message, s.reportFolder());
            return new Result(log.id(), "DONE", counts, pages[0], highest.get());
        }
    }

    /** Reads the users, then the groups, every page; hands what they describe to the writer. The number of pages. */
    private static int read(LDAPConnection ldap, Connection c, LdapImportSettings s, LdapAttributeMap map, String filter,
                            String groupFilter, DirectoryWriter w, AtomicReference<String> highest)
            throws LDAPException, SQLException {
        RootDSE root = ldap.getRootDSE();
        boolean paged = root == null || root.supportsControl(SimplePagedResultsControl.PAGED_RESULTS_OID);
        if (!paged) {
            LOG.warn("LDAP import {}: {} does not support paged results; one search (the server's size limit applies)",
                    s.name(), s.url());
        }
        LdapMembers members = s.groups() ? new LdapMembers(new DN(s.baseDn()), !map.groups().memberAccounts().isEmpty(),
                s.full() ? null : new LdapMemberLookup(ldap, s, map, paged)) : null;
        int[] number = {0};
        int pages = search(ldap, paged, s.pageSize(), s.baseDn(), Filter.create(filter), map.attributes(MODIFY_TIMESTAMP),
                entry -> {
                    number[0]++;
                    Optional<SisUser> user = map.toUser(entry, number[0], w::onError);
                    if (user.isPresent()) {
                        w.onUser(user.get());
                        if (members != null) {
                            members.add(entry.getParsedDN(), user.get().sourcedId(), user.get().username());
                        }
                    }
                    highest.set(later(highest.get(), entry.getAttributeValue(MODIFY_TIMESTAMP)));
                });
        if (members == null) {
            return pages;
        }
        number[0] = 0;
        GroupWriter groups = new GroupWriter(c, s, map.groups(), members, w);
        return pages + search(ldap, paged, s.pageSize(), s.groupBaseDn(), Filter.create(groupFilter),
                map.groups().attributes(MODIFY_TIMESTAMP), entry -> {
                    number[0]++;
                    Optional<LdapGroup> group = map.groups().toGroup(entry, number[0], w::onError);
                    if (group.isPresent()) {
                        groups.write(group.get(), number[0]);
                    }
                    highest.set(later(highest.get(), entry.getAttributeValue(MODIFY_TIMESTAMP)));
                });
    }

    @FunctionalInterface
    interface EntryStep<E extends Exception> {
        void accept(SearchResultEntry entry) throws LDAPException, E;
    }

    /** One search, page by page (RFC 2696) when {@code paged}; the number of pages. */
    static <E extends Exception> int search(LDAPConnection ldap, boolean paged, int pageSize, String baseDn, Filter filter,
                                            String[] attributes, EntryStep<E> step) throws LDAPException, E {
        SearchRequest request = new SearchRequest(baseDn, SearchScope.SUB, filter, attributes);
        ASN1OctetString cookie = null;
        int pages = 0;
        do {
            if (paged) {
                request.setControls(new SimplePagedResultsControl(pageSize, cookie, true));
            }
            SearchResult result = ldap.search(request);
            pages++;
            for (SearchResultEntry entry : result.getSearchEntries()) {
                step.accept(entry);
            }
            SimplePagedResultsControl response = paged ? SimplePagedResultsControl.get(result) : null;
            cookie = response == null ? null : response.getCookie();
        } while (cookie != null && cookie.getValueLength() > 0);
        return pages;
    }

    /**
     * Hands groups and their memberships to the writer as the file import hands classes and enrollments. Holds the
     * ids of the run's groups (few) to report a second group with the same id.
     */
    private static final class GroupWriter {
        private final Connection c;
        private final LdapImportSettings s;
        private final LdapGroupMap map;
        private final LdapMembers members;
        private final DirectoryWriter w;
        private final Set<String> schools = new HashSet<>();
        private final Map<String, String> ids = new HashMap<>();

        GroupWriter(Connection c, LdapImportSettings s, LdapGroupMap map, LdapMembers members, DirectoryWriter w) {
            this.c = c;
            this.s = s;
            this.map = map;
            this.members = members;
            this.w = w;
        }

        /**
         * The entry's member list is complete, so in a delta run the memberships it no longer lists are removed here;
         * a full run leaves that to {@link DirectoryWriter#finish}. A member that is not a user of this import is a
         * row error of the group (the group and its other members are written). A list the server cut (AD range
         * retrieval) is a row error too: its members are added and none is removed.
         */
        void write(LdapGroup g, int number) throws LDAPException, SQLException {
            String first = ids.putIfAbsent(g.sisId(), g.dn());
            if (first != null) {
                w.onError(new RowError(g.dn(), number, String.join(",", map.sisId()), "group id '" + g.sisId()
                        + "' is also the id of " + first + "; this group is skipped"));
                return;
            }
            if (g.school() != null && schools.add(g.school())) {
                w.onOrg(new SisOrg(g.school(), g.school(), "school"));
            }
            // OneRoster's homeroom is a CLASS, scheduled a TEAM
            w.onClass(new SisClass(g.sisId(), g.name(), "CLASS".equals(g.kind()) ? "homeroom" : "scheduled", g.school(),
                    List.of()));
            Set<String> users = new LinkedHashSet<>();
            for (LdapMembers.Resolution found : members.byDns(g.memberDns())) {
                member(found, g, number, map.members(), users);
            }
            for (LdapMembers.Resolution found : members.byAccounts(g.memberAccounts())) {
                member(found, g, number, map.memberAccounts(), users);
            }
            Origin origin = new Origin(g.dn(), number, String.join(",", map.members()));
            if (g.incomplete() || !s.full()) {
                w.awaitStaging();
                List<String> existing = Jdbc.query(c, "select u.sis_id from dir_membership m join dir_group g on g.id = "
                        + "m.group_id join dir_user u on u.id = m.user_id where g.tenant_id = ? and g.sis_id = ?",
                        rs -> rs.getString(1), s.tenant(), g.sisId());
                if (g.incomplete()) {
                    w.onError(new RowError(g.dn(), number, String.join(",", map.members()), "the server sent only a range "
                            + "of the members (Active Directory range retrieval is not supported): members added, none removed"));
                    users.addAll(existing);
                } else {
                    for (String gone : existing) {
                        if (!users.contains(gone)) {
                            w.onEnrollment(new SisEnrollment(null, g.sisId(), gone, null, null, null, "tobedeleted", origin));
                        }
                    }
                }
            }
            for (String user : users) {
                w.onEnrollment(new SisEnrollment(null, g.sisId(), user, null, null, null, null, origin));
            }
        }

        private void member(LdapMembers.Resolution found, LdapGroup g, int number, List<String> attributes, Set<String> users) {
            if (found.sisId() != null) {
                users.add(found.sisId());
            } else {
                w.onError(new RowError(g.dn(), number, String.join(",", attributes), found.problem()));
            }
        }
    }

    /** {@code filter}, or in a delta run with a mark only its entries changed since. */
    private static String changedSince(String filter, String mark) {
        return mark == null ? filter : "(&" + filter + "(" + MODIFY_TIMESTAMP + ">=" + Filter.encodeValue(mark) + "))";
    }

    /** The later of two GeneralizedTime values as the server wrote them; an unreadable one is ignored. */
    static String later(String a, String b) {
        Date da = time(a);
        Date db = time(b);
        if (db == null) {
            return a;
        }
        return da == null || db.after(da) ? b : a;
    }

    private static Date time(String generalizedTime) {
        if (generalizedTime == null) {
            return null;
        }
        try {
            return StaticUtils.decodeGeneralizedTime(generalizedTime);
        } catch (ParseException e) {
            return null;
        }
    }

    private String highWater(String name) {
        return jdbc.query("select high_water from ldap_import_state where name = ?", rs -> rs.getString(1), name).stream()
                .filter(v -> v != null).findFirst().orElse(null);
    }

    private void storeHighWater(Connection c, LdapImportSettings s, String mark) throws SQLException {
        if (Jdbc.update(c, "update ldap_import_state set tenant_id = ?, high_water = ?, last_run_at = ? where name = ?",
                s.tenant(), mark, clock.instant(), s.name()) == 0) {
            Jdbc.update(c, "insert into ldap_import_state (name, tenant_id, high_water, last_run_at) values (?, ?, ?, ?)",
                    s.name(), s.tenant(), mark, clock.instant());
        }
    }

    static LDAPConnection connect(LdapImportSettings s) throws LDAPException {
        LDAPConnection c = s.tls().connect(s.url(), s.startTls(), 120_000);
        try {
            c.bind(s.bindDn(), s.bindPassword());
        } catch (LDAPException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private Function<String, String> mobileNormaliser() {
        return prefixes.mobileNormaliser(defaultCountryCode);
    }
}
