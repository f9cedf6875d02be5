package org.hermod.ldap;

import com.unboundid.asn1.ASN1OctetString;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.hermod.db.Jdbc;
import org.hermod.outbox.MobilePrefixes;
import org.hermod.outbox.PhoneNumbers;
import org.hermod.sis.DirectoryWriter;
import org.hermod.sis.ImportLog;
import org.hermod.tenant.Tenants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports the users of one LDAP directory (or Active Directory) into Hermod's directory, with the rules of the file
 * import: through the same {@link DirectoryWriter}, upserted by id within the tenant, source {@code ldap:<name>},
 * one database transaction per run, recorded in {@code sis_import} (format {@code ldap}) so {@code GET /api/imports}
 * shows it. The search is paged (RFC 2696 simple paged results) when the server supports it.
 *
 * <p>Delta: each run stores the highest {@code modifyTimestamp} it saw in {@code ldap_import_state} (in the run's
 * transaction); the next delta run adds {@code (modifyTimestamp>=mark)} to the filter. A full run ends the users of
 * this source the search no longer returns, after the grace.
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
        String filter = mark == null ? s.filter() : "(&" + s.filter() + "(" + MODIFY_TIMESTAMP + ">="
                + Filter.encodeValue(mark) + "))";
        LocalDate today = LocalDate.now(clock.withZone(tenants.find(s.tenant()).orElseThrow().zone()));
        DirectoryWriter.Counts none = new DirectoryWriter.Counts(0, 0, 0, 0, 0, 0, 0);
        try (ImportLog log = ImportLog.start(jdbc.dataSource(), clock, s.tenant(), s.source(), "ldap-" + name, null, "ldap",
                s.full(), progressEvery, s.reportFolder().resolve(".work"))) {
            DirectoryWriter.Options options = new DirectoryWriter.Options(s.tenant(), s.source(), log.id(), s.full(),
                    s.welcome(), today, today.plusDays(s.grace().toDays()), batchSize);
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
                        pages[0] = search(ldap, s, d.map(), filter, w, highest);
                    } catch (LDAPException e) {
                        // the message holds the server's diagnostic, never the bind password
                        throw new IllegalStateException("LDAP " + s.url() + ": " + e.getResultCode() + " "
                                + (e.getDiagnosticMessage() == null ? e.getMessage() : e.getDiagnosticMessage()), e);
                    }
                    DirectoryWriter.Counts result = w.finish();
                    storeHighWater(c, s, highest.get());
                    return result;
                });
            } catch (RuntimeException e) {
                log.finish("FAILED", none, e.getMessage(), s.reportFolder());
                throw e;
            }
            String message = s.url() + " " + filter + ": " + pages[0] + " page(s)" + (counts.errors() == 0 ? "" : ", " + counts.errors()
                    + " bad entr(ies) skipped or cut, see the report") + (s.full() ? "" : mark == null
                    ? ", delta without a mark: all entries read" : ", changed since " + mark);
            log.finish("DONE", counts, message, s.reportFolder());
            return new Result(log.id(), "DONE", counts, pages[0], highest.get());
        }
    }

    /** Reads every page, hands each entry's user (or its errors) to the writer; returns the number of pages. */
    private static int search(LDAPConnection ldap, LdapImportSettings s, LdapAttributeMap map, String filter,
                              DirectoryWriter w, AtomicReference<String> highest) throws LDAPException {
        RootDSE root = ldap.getRootDSE();
        boolean paged = root == null || root.supportsControl(SimplePagedResultsControl.PAGED_RESULTS_OID);
        if (!paged) {
            LOG.warn("LDAP import {}: {} does not support paged results; one search (the server's size limit applies)",
                    s.name(), s.url());
        }
        SearchRequest request = new SearchRequest(s.baseDn(), SearchScope.SUB, Filter.create(filter),
                map.attributes(MODIFY_TIMESTAMP));
        ASN1OctetString cookie = null;
        int pages = 0;
        int number = 0;
        do {
            if (paged) {
                request.setControls(new SimplePagedResultsControl(s.pageSize(), cookie, true));
            }
            SearchResult result = ldap.search(request);
            pages++;
            for (SearchResultEntry entry : result.getSearchEntries()) {
                number++;
                map.toUser(entry, number, w::onError).ifPresent(w::onUser);
                highest.set(later(highest.get(), entry.getAttributeValue(MODIFY_TIMESTAMP)));
            }
            SimplePagedResultsControl response = paged ? SimplePagedResultsControl.get(result) : null;
            cookie = response == null ? null : response.getCookie();
        } while (cookie != null && cookie.getValueLength() > 0);
        return pages;
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
        PhoneNumbers numbers = prefixes.phoneNumbers(defaultCountryCode);
        return raw -> {
            try {
                return numbers.normalise(raw);
            } catch (PhoneNumbers.InvalidNumber e) {
                return null;
            }
        };
    }
}
