package org.hermod.sis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.camel.Exchange;
import org.hermod.db.Jdbc;
import org.hermod.outbox.MobilePrefixes;
import org.hermod.tenant.Tenants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports one dropped SIS file into the directory, in one transaction: after a crash the directory is as before
 * the file or as after it, never half. The file's SHA-256 is stored in {@code sis_file} in that same transaction,
 * so a file dropped twice (or picked up again because the process died between the commit and the move to
 * done/) changes nothing the second time.
 *
 * <p>Outcome, for the route's {@code move}: {@code done} (applied, possibly with bad rows skipped, or a duplicate)
 * or {@code error} (rejected: nothing applied). The report CSV goes into that same folder.
 */
public final class SisImporter {

    private static final Logger LOG = LoggerFactory.getLogger(SisImporter.class);

    /** Header read by the route's move option: done or error. */
    public static final String OUTCOME = "HermodSisOutcome";
    public static final String IMPORT_ID = "HermodSisImportId";

    /** What became of a file. */
    public record Result(long importId, String status, DirectoryWriter.Counts counts, Path report) {
        public boolean applied() {
            return status.equals("DONE") || status.equals("DUPLICATE");
        }
    }

    private final Jdbc jdbc;
    private final Clock clock;
    private final Tenants tenants;
    private final MobilePrefixes prefixes;
    private final String defaultCountryCode;
    private final Map<String, SisImportSettings> imports = new LinkedHashMap<>();
    private final int batchSize;
    private final int progressEvery;

    public SisImporter(Jdbc jdbc, Clock clock, Tenants tenants, MobilePrefixes prefixes, String defaultCountryCode,
                       List<SisImportSettings> imports, int batchSize, int progressEvery) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.tenants = tenants;
        this.prefixes = prefixes;
        this.defaultCountryCode = defaultCountryCode;
        imports.forEach(s -> this.imports.put(s.name(), s));
        this.batchSize = batchSize;
        this.progressEvery = progressEvery;
    }

    public List<SisImportSettings> imports() {
        return List.copyOf(imports.values());
    }

    /** Marks imports left RUNNING by a process that died as INTERRUPTED (their files are still in the folder). */
    public int recoverInterrupted() {
        int n = jdbc.update("update sis_import set status = 'INTERRUPTED', finished_at = ? where status = 'RUNNING'",
                clock.instant());
        if (n > 0) {
            LOG.warn("{} SIS import(s) were interrupted by a stop or crash; their files are imported again", n);
        }
        return n;
    }

    /** The route's step: imports the exchange's file for import {@code name} and sets {@link #OUTCOME}. */
    public void importFile(String name, Exchange exchange) {
        SisImportSettings settings = Optional.ofNullable(imports.get(name))
                .orElseThrow(() -> new IllegalArgumentException("no SIS import named '" + name + "'"));
        Path file = exchange.getMessage().getBody(java.io.File.class).toPath();
        Result result = importFile(settings, file);
        exchange.getMessage().setHeader(OUTCOME, result.applied() ? "done" : result.status().equals("HELD") ? "held" : "error");
        exchange.getMessage().setHeader(IMPORT_ID, result.importId());
    }

    public Result importFile(SisImportSettings s, Path file) {
        String fileName = file.getFileName().toString();
        String checksum = sha256(file);
        Path folder = s.folder();
        try (ImportLog log = ImportLog.start(jdbc.dataSource(), clock, s.tenant(), s.source(), fileName, checksum,
                s.format().name().toLowerCase(), s.full(), progressEvery, folder.resolve(".reports"))) {
            DirectoryWriter.Counts none = new DirectoryWriter.Counts(0, 0, 0, 0, 0, 0, 0);
            Optional<Long> earlier = jdbc.query("select import_id from sis_file where tenant_id = ? and source = ? and checksum = ?",
                    rs -> rs.getLong(1), s.tenant(), s.source(), checksum).stream().findFirst();
            if (earlier.isPresent()) {
                if (s.full()) {
                    // the SIS sent its whole export again: everything in it was seen now
                    Instant at = clock.instant();
                    jdbc.tx(c -> {
                        DirectoryWriter.seen(c, s.tenant(), s.source(), at);
                        return null;
                    });
                }
                String message = "same content as import #" + earlier.get() + ": nothing to do";
                return new Result(log.id(), "DUPLICATE", none, log.finish("DUPLICATE", none, message, folder.resolve("done")));
            }
            if (tenants.find(s.tenant()).isEmpty()) {
                String message = "unknown tenant '" + s.tenant() + "'";
                return new Result(log.id(), "REJECTED", none, log.finish("REJECTED", none, message, folder.resolve("error")));
            }
            Function<String, String> mobile = mobileNormaliser();
            LocalDate today = LocalDate.now(clock.withZone(tenants.find(s.tenant()).orElseThrow().zone()));
            // an operator confirmed a held import of this very file: the deletion threshold does not hold it again
            boolean confirmed = s.full() && !jdbc.query("select id from sis_import where tenant_id = ? and source = ? "
                    + "and checksum = ? and status = 'CONFIRMED'", rs -> rs.getLong(1), s.tenant(), s.source(), checksum)
                    .isEmpty();
            DirectoryWriter.Options options = new DirectoryWriter.Options(s.tenant(), s.source(), log.id(), s.full(), s.welcome(),
                    today, today.plusDays(s.grace().toDays()), batchSize, confirmed ? null : s.maxEndPercent());
            AtomicReference<String> rejection = new AtomicReference<>();
            AtomicReference<DirectoryWriter.Hold> held = new AtomicReference<>();
            DirectoryWriter.Counts counts;
            try {
                counts = jdbc.tx(c -> {
                    // on PostgreSQL the writer refreshes the planner's statistics in this transaction as it goes
                    AtomicReference<DirectoryWriter> writer = new AtomicReference<>();
                    DirectoryWriter w = new DirectoryWriter(c, options, clock.instant(), mobile, e -> {
                        if (e.line() <= 1 && rejection.get() == null) {
                            rejection.set("the export is incomplete (" + e + "): nothing applied, since applying the rest "
                                    + (s.full() ? "would end every user it lacks" : "would apply part of it"));
                        }
                        log.error(e);
                    }, () -> log.progress(writer.get().rows(), writer.get().errorCount()));
                    writer.set(w);
                    read(s, file, w);
                    log.read(w.rows(), w.errorCount(), "merging into the directory");
                    DirectoryWriter.Counts result = w.finish();
                    if (rejection.get() == null && s.allOrNothing() && result.errors() > 0) {
                        rejection.set(result.errors() + " bad row(s) and all-or-nothing is set: nothing applied");
                    }
                    held.set(rejection.get() == null ? w.held() : null);
                    if (rejection.get() != null || held.get() != null) {
                        c.rollback();
                        return result;
                    }
                    Jdbc.update(c, "insert into sis_file (tenant_id, source, checksum, import_id) values (?, ?, ?, ?)",
                            s.tenant(), s.source(), checksum, log.id());
                    return result;
                });
            } catch (RuntimeException e) {
                log.finish("FAILED", none, e.toString(), folder.resolve("error"));
                throw e;
            }
            if (rejection.get() != null) {
                DirectoryWriter.Counts rejected = new DirectoryWriter.Counts(counts.rows(), 0, 0, 0, 0, 0, counts.errors());
                return new Result(log.id(), "REJECTED", rejected, log.finish("REJECTED", rejected, rejection.get(),
                        folder.resolve("error")));
            }
            if (held.get() != null) {
                DirectoryWriter.Counts read = new DirectoryWriter.Counts(counts.rows(), 0, 0, 0, 0, 0, counts.errors());
                String message = "held, nothing applied: the export " + held.get().describe() + " (hermod.sis.imports[] "
                        + "max-end-percent of " + s.name() + "); if that is right, confirm it with POST /api/imports/"
                        + log.id() + "/confirm, and it is imported again with those users ended";
                return new Result(log.id(), "HELD", read, log.finish("HELD", read, message, folder.resolve("held")));
            }
            String message = counts.errors() == 0 ? null : counts.errors() + " bad row(s) skipped, see the report";
            return new Result(log.id(), "DONE", counts, log.finish("DONE", counts, message, folder.resolve("done")));
        }
    }

    /** What confirming a held import did: the file put back, or null for an LDAP import (its next run applies). */
    public record Confirmation(long importId, Path requeued) {
    }

    /**
     * Confirms held import {@code id}: its file goes back into its import's folder and is imported again without
     * the deletion threshold. Refused when the import is not held, or when a later full import of its source was
     * applied since (confirming would apply an older export over a newer one). The status is stored first, then the
     * file moved: a crash in between leaves it CONFIRMED with the file in held/, and confirming again moves it.
     */
    public Confirmation confirm(long id, String by) {
        record Held(String tenant, String source, String file, String status, String format) {
        }
        Held h = jdbc.query("select tenant_id, source, file_name, status, format from sis_import where id = ?",
                rs -> new Held(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)), id).stream()
                .findFirst().orElseThrow(() -> new org.hermod.Problem(org.hermod.Problem.Kind.NOT_FOUND, "id", "no import " + id));
        if (!h.status().equals("HELD") && !h.status().equals("CONFIRMED")) {
            throw new org.hermod.Problem(org.hermod.Problem.Kind.CONFLICT, "id", "import " + id + " is " + h.status()
                    + ", not held: there is nothing to confirm");
        }
        List<Long> later = jdbc.query("select id from sis_import where tenant_id = ? and source = ? and mode = 'full' "
                + "and status = 'DONE' and id > ? order by id", rs -> rs.getLong(1), h.tenant(), h.source(), id);
        if (!later.isEmpty() && h.status().equals("HELD")) {
            throw new org.hermod.Problem(org.hermod.Problem.Kind.CONFLICT, "id", "import #" + later.get(0) + " of the same "
                    + "source was applied after it; drop a new export instead of confirming this older one");
        }
        if (h.format().equals("ldap")) {
            // no file: the LDAP import's next full run sees the confirmation and applies without the threshold
            if (!h.status().equals("HELD")) {
                throw new org.hermod.Problem(org.hermod.Problem.Kind.CONFLICT, "id", "import " + id + " is confirmed "
                        + "already; the next full run of its LDAP import applies");
            }
            jdbc.update("update sis_import set status = 'CONFIRMED', message = ? where id = ? and status = 'HELD'",
                    "confirmed by " + by + " at " + clock.instant() + "; the next full run applies without the "
                            + "deletion threshold", id);
            LOG.warn("LDAP import #{} confirmed by {}: its next full run applies without the deletion threshold", id, by);
            return new Confirmation(id, null);
        }
        Path held = imports.values().stream().filter(s -> s.tenant().equals(h.tenant()) && s.source().equals(h.source()))
                .map(s -> s.folder().resolve("held").resolve(id + "-" + h.file())).filter(Files::exists).findFirst()
                .orElseThrow(() -> new org.hermod.Problem(org.hermod.Problem.Kind.CONFLICT, "id", "the file of import "
                        + id + " is no longer in the held/ folder of an import of source " + h.source()));
        jdbc.update("update sis_import set status = 'CONFIRMED', message = ? where id = ? and status in ('HELD', 'CONFIRMED')",
                "confirmed by " + by + " at " + clock.instant() + "; imported again without the deletion threshold", id);
        Path folder = held.getParent().getParent();
        Path target = folder.resolve(h.file());
        if (Files.exists(target)) {
            target = folder.resolve("confirmed-" + id + "-" + h.file());
        }
        try {
            Files.move(held, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("import " + id + " is confirmed, but its file could not be moved back from "
                    + held + " (confirm again, or move it into " + folder + " by hand)", e);
        }
        LOG.warn("SIS import #{} confirmed by {}: {} is imported again without the deletion threshold", id, by, target);
        return new Confirmation(id, target);
    }

    private void read(SisImportSettings s, Path file, Sink sink) throws SQLException {
        try {
            if (s.format() == SisImportSettings.Format.ONEROSTER) {
                new OneRosterReader().read(file, sink);
            } else {
                new MappedCsvReader(ColumnMap.load(s.mapping())).read(file, sink);
            }
        } catch (IOException | java.nio.file.ProviderNotFoundException e) {
            sink.onError(new RowError(file.getFileName().toString(), 0, null, "cannot be read: " + e));
        }
    }

    private Function<String, String> mobileNormaliser() {
        return prefixes.mobileNormaliser(defaultCountryCode);
    }

    static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
