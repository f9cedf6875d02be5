package org.hermod.sis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
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
 *
 * <p>A file is applied only if it was read to its end: a reader that stops early (bad bytes, a file cut short, a
 * limit of {@link ReadLimits}, an I/O error) rejects the whole file, since a full import applied up to there would
 * end every user after that line. An import that dies for any other reason, an {@link Error} included, is ended
 * {@code FAILED} with its report before the failure goes on to the route; none stays {@code RUNNING}.
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
    private final ReadLimits limits;
    private final Reading reading;

    /** Reads one file into the sink, to its end or throwing (the readers' contract); a seam for tests. */
    @FunctionalInterface
    interface Reading {
        void read(SisImportSettings settings, Path file, ReadLimits limits, Sink sink) throws IOException;
    }

    public SisImporter(Jdbc jdbc, Clock clock, Tenants tenants, MobilePrefixes prefixes, String defaultCountryCode,
                       List<SisImportSettings> imports, int batchSize, int progressEvery, ReadLimits limits) {
        this(jdbc, clock, tenants, prefixes, defaultCountryCode, imports, batchSize, progressEvery, limits,
                SisImporter::readFile);
    }

    SisImporter(Jdbc jdbc, Clock clock, Tenants tenants, MobilePrefixes prefixes, String defaultCountryCode,
                List<SisImportSettings> imports, int batchSize, int progressEvery, ReadLimits limits, Reading reading) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.tenants = tenants;
        this.prefixes = prefixes;
        this.defaultCountryCode = defaultCountryCode;
        imports.forEach(s -> this.imports.put(s.name(), s));
        this.batchSize = batchSize;
        this.progressEvery = progressEvery;
        this.limits = limits;
        this.reading = reading;
    }

    public List<SisImportSettings> imports() {
        return List.copyOf(imports.values());
    }

    /**
     * At start-up: ends the imports a process that died left {@code RUNNING} as {@code FAILED}, saying why (their
     * files are still in the folder and are imported again), and deletes the partial reports it left in the folders'
     * {@code .reports/} (their errors are in {@code sis_import_error}). This assumes one Hermod watches the folders.
     */
    public int recoverInterrupted() {
        int n = jdbc.update("update sis_import set status = 'FAILED', finished_at = ?, message = ? where status = 'RUNNING'",
                clock.instant(), "the process stopped during this import (crash, kill or shutdown): nothing was applied; "
                        + "the file, if still in the folder, is imported again");
        if (n > 0) {
            LOG.warn("{} SIS import(s) were ended by a stop or crash and are marked FAILED; their files are imported again", n);
        }
        imports.values().forEach(s -> ImportLog.deletePartialReports(s.folder().resolve(".reports")));
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
            try {
                return importFile(s, file, checksum, log);
            } catch (Throwable e) { // an Error too (OutOfMemoryError): the import must not stay RUNNING
                fail(log, fileName, e, folder.resolve("error"));
                throw e;
            }
        }
    }

    private static void fail(ImportLog log, String fileName, Throwable e, Path errorDir) {
        String message = "the import failed (" + e + "): nothing applied";
        try {
            log.error(new RowError(fileName, 0, null, message));
            log.finish("FAILED", new DirectoryWriter.Counts(0, 0, 0, 0, 0, 0, 1), message, errorDir);
        } catch (RuntimeException | Error failedToo) {
            e.addSuppressed(failedToo);
        }
    }

    private Result importFile(SisImportSettings s, Path file, String checksum, ImportLog log) {
        String fileName = file.getFileName().toString();
        Path folder = s.folder();
        DirectoryWriter.Counts none = new DirectoryWriter.Counts(0, 0, 0, 0, 0, 0, 0);
        if (size(file) == 0) {
            RowError empty = new RowError(fileName, 0, null, "empty file (0 bytes): not an export");
            log.error(empty);
            DirectoryWriter.Counts oneError = new DirectoryWriter.Counts(0, 0, 0, 0, 0, 0, 1);
            return new Result(log.id(), "REJECTED", oneError, log.finish("REJECTED", oneError, empty + ": nothing applied",
                    folder.resolve("error")));
        }
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
        DirectoryWriter.Counts counts = jdbc.tx(c -> {
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
            Tally tally = new Tally(w, log::error);
            Optional<RowError> stopped = read(s, file, tally);
            if (stopped.isPresent()) {
                w.awaitStaging();
                log.error(stopped.get());
                rejection.set("the file could not be read to its end (" + stopped.get() + "): nothing applied, "
                        + "since applying the rows before " + (s.full() ? "would end every user after them"
                        : "would apply part of it"));
                c.rollback();
                return new DirectoryWriter.Counts(w.rows(), 0, 0, 0, 0, 0, w.errorCount() + 1);
            }
            if (s.full() && tally.users == 0 && rejection.get() == null) {
                w.awaitStaging();
                rejection.set("no user row could be taken (" + w.errorCount() + " bad row(s)): nothing applied, "
                        + "since a full import without users would end every user of source '" + s.source() + "'");
                c.rollback();
                return new DirectoryWriter.Counts(w.rows(), 0, 0, 0, 0, 0, w.errorCount());
            }
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

    /** Reads the file to its end (empty) or up to the error that stopped the reader. */
    private Optional<RowError> read(SisImportSettings s, Path file, Sink sink) {
        try {
            reading.read(s, file, limits, sink);
            return Optional.empty();
        } catch (CsvException e) {
            return Optional.of(e.toRowError());
        } catch (IOException | java.nio.file.ProviderNotFoundException e) {
            return Optional.of(new RowError(file.getFileName().toString(), 0, null, "cannot be read: " + e));
        }
    }

    /** The readers, by the import's format: the {@link Reading} of every import but a test's. */
    static void readFile(SisImportSettings s, Path file, ReadLimits limits, Sink sink) throws IOException {
        if (s.format() == SisImportSettings.Format.ONEROSTER) {
            new OneRosterReader(limits).read(file, sink);
        } else {
            new MappedCsvReader(ColumnMap.load(s.mapping()), limits).read(file, sink);
        }
    }

    /**
     * Passes everything on to the writer and counts the users taken: a full import without any ends nobody.
     * Warnings go into the report and {@code sis_import_error} ({@code warning: …}), not into the error count.
     */
    private static final class Tally implements Sink {
        private final Sink writer;
        private final Consumer<RowError> report;
        private long users;

        Tally(Sink writer, Consumer<RowError> report) {
            this.writer = writer;
            this.report = report;
        }

        @Override
        public void onWarning(RowError warning) {
            report.accept(new RowError(warning.file(), warning.line(), warning.column(), "warning: " + warning.reason()));
        }

        @Override
        public void onSession(SisSession session) {
            writer.onSession(session);
        }

        @Override
        public void onOrg(SisOrg org) {
            writer.onOrg(org);
        }

        @Override
        public void onClass(SisClass sisClass) {
            writer.onClass(sisClass);
        }

        @Override
        public void onUser(SisUser user) {
            users++;
            writer.onUser(user);
        }

        @Override
        public void onEnrollment(SisEnrollment enrollment) {
            writer.onEnrollment(enrollment);
        }

        @Override
        public void onGroupMember(String userSourcedId, String groupName) {
            writer.onGroupMember(userSourcedId, groupName);
        }

        @Override
        public void onReferences(boolean external) {
            writer.onReferences(external);
        }

        @Override
        public void onRejectedUser(String sourcedId, Origin origin) {
            writer.onRejectedUser(sourcedId, origin);
        }

        @Override
        public void onError(RowError error) {
            writer.onError(error);
        }
    }

    private Function<String, String> mobileNormaliser() {
        return prefixes.mobileNormaliser(defaultCountryCode);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
