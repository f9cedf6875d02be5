package org.hermod.sis;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a OneRoster 1.1 CSV export, bulk or delta, from a directory or a zip file, and streams
 * what it finds to a {@link Sink}: one row in memory at a time, plus the sourcedIds of the small files (orgs,
 * sessions, courses, classes); the sink checks user and enrollment ids ({@link Sink#onReferences}).
 *
 * <p>Files are read in dependency order (academicSessions, orgs, courses, classes, users,
 * enrollments) as {@code manifest.csv} lists them; files are UTF-8 with comma separators, at the
 * top of the directory or zip. A file whose header lacks a required column, or which the
 * manifest lists but the export lacks, is reported once and skipped. Courses are checked (they
 * are referenced by classes) but not passed on.
 */
public final class OneRosterReader {

    /** Whether a reference to an id the export does not contain is an error. */
    public enum References {
        /** Every referenced id must be in the export. */
        CHECK,
        /** Unknown ids may already be in the database. */
        ALLOW_EXTERNAL,
        /** {@link #ALLOW_EXTERNAL} if the manifest lists any file as delta, else {@link #CHECK}. */
        BY_MANIFEST
    }

    private final References references;
    private final ReadLimits limits;

    public OneRosterReader() {
        this(References.BY_MANIFEST);
    }

    public OneRosterReader(References references) {
        this(references, ReadLimits.DEFAULT);
    }

    public OneRosterReader(ReadLimits limits) {
        this(References.BY_MANIFEST, limits);
    }

    public OneRosterReader(References references, ReadLimits limits) {
        this.references = references;
        this.limits = limits;
    }

    /**
     * Reads the export at {@code export}, a directory or a zip file, to its end. An export that cannot be read to
     * its end (bad bytes, a quote never closed, a damaged zip entry, over a limit of {@link ReadLimits}) throws
     * {@link CsvException} naming the file (the zip entry) and line, after the rows before it were passed on; a zip
     * that cannot be opened throws {@link IOException}.
     */
    public void read(Path export, Sink sink) throws IOException {
        ReadLimits.Meter meter = limits.meter();
        if (Files.isDirectory(export)) {
            readDirectory(export, path -> meter.watch(Files.newInputStream(path), -1), sink);
        } else {
            long zipSize = Files.size(export);
            try (FileSystem zip = FileSystems.newFileSystem(export)) {
                // the entry's compressed size as the zip declares it, but never more than the zip itself
                readDirectory(zip.getPath("/"), path -> meter.watch(Files.newInputStream(path),
                        Math.min(zipSize, (Long) Files.getAttribute(path, "zip:compressedSize"))), sink);
            }
        }
    }

    /** Opens one file of the export, counted against the limits. */
    @FunctionalInterface
    private interface Opener {
        java.io.InputStream open(Path path) throws IOException;
    }

    private CsvReader csv(Opener opener, Path path, String name) throws IOException {
        return CsvReader.open(opener.open(path), name, UTF_8, ',', limits.maxRecordLength());
    }

    private void readDirectory(Path directory, Opener opener, Sink sink) throws IOException {
        Path manifestPath = directory.resolve(Manifest.FILE_NAME);
        if (!Files.isRegularFile(manifestPath)) {
            sink.onError(new RowError(Manifest.FILE_NAME, 0, null, "missing: not a OneRoster CSV export"));
            return;
        }
        Manifest manifest = Manifest.read(csv(opener, manifestPath, Manifest.FILE_NAME), sink);
        boolean allowExternal = switch (references) {
            case CHECK -> false;
            case ALLOW_EXTERNAL -> true;
            case BY_MANIFEST -> manifest.anyDelta();
        };
        sink.onReferences(allowExternal);
        KnownIds ids = new KnownIds();
        for (OneRosterFile file : OneRosterFile.values()) {
            Manifest.Mode mode = manifest.mode(file);
            Path path = directory.resolve(file.fileName());
            if (mode == Manifest.Mode.ABSENT) {
                continue;
            }
            if (!Files.isRegularFile(path)) {
                sink.onError(new RowError(file.fileName(), 0, null,
                        "listed in manifest as " + mode.name().toLowerCase(Locale.ROOT) + " but missing"));
                continue;
            }
            readFile(csv(opener, path, file.fileName()), file, new OneRosterRows(ids, allowExternal,
                    mode == Manifest.Mode.DELTA), sink);
        }
    }

    private static void readFile(CsvReader csv, OneRosterFile file, OneRosterRows rows, Sink sink) throws IOException {
        try (csv) {
            Optional<Map<String, Column>> columns =
                    HeaderCheck.read(file.fileName(), csv, rows.requiredColumns(file), sink);
            columns.ifPresent(byName -> csv.forEachRemaining(
                    row -> rows.read(file, new RowCheck(file.fileName(), row, byName), sink)));
        }
    }
}
