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

    public OneRosterReader() {
        this(References.BY_MANIFEST);
    }

    public OneRosterReader(References references) {
        this.references = references;
    }

    /** Reads the export at {@code export}, a directory or a zip file. */
    public void read(Path export, Sink sink) throws IOException {
        if (Files.isDirectory(export)) {
            readDirectory(export, sink);
        } else {
            try (FileSystem zip = FileSystems.newFileSystem(export)) {
                readDirectory(zip.getPath("/"), sink);
            }
        }
    }

    private void readDirectory(Path directory, Sink sink) throws IOException {
        Path manifestPath = directory.resolve(Manifest.FILE_NAME);
        if (!Files.isRegularFile(manifestPath)) {
            sink.onError(new RowError(Manifest.FILE_NAME, 0, null, "missing: not a OneRoster CSV export"));
            return;
        }
        Manifest manifest = Manifest.read(manifestPath, sink);
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
            readFile(path, file, new OneRosterRows(ids, allowExternal, mode == Manifest.Mode.DELTA), sink);
        }
    }

    private static void readFile(Path path, OneRosterFile file, OneRosterRows rows, Sink sink) throws IOException {
        try (CsvReader csv = CsvReader.open(path, UTF_8, ',')) {
            Optional<Map<String, Column>> columns =
                    HeaderCheck.read(file.fileName(), csv, rows.requiredColumns(file), sink);
            columns.ifPresent(byName -> csv.forEachRemaining(
                    row -> rows.read(file, new RowCheck(file.fileName(), row, byName), sink)));
        } catch (CsvException e) {
            sink.onError(e.toRowError());
        }
    }
}
