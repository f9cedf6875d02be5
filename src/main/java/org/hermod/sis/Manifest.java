package org.hermod.sis;

import java.io.IOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** What a OneRoster manifest.csv says about each file Hermod reads. */
record Manifest(Map<OneRosterFile, Mode> modes) {

    static final String FILE_NAME = "manifest.csv";
    private static final Function<String, String> MODE = Parsers.oneOf("bulk", "delta", "absent");

    enum Mode { BULK, DELTA, ABSENT }

    /** The file's mode; a file the manifest does not mention is absent. */
    Mode mode(OneRosterFile file) {
        return modes.getOrDefault(file, Mode.ABSENT);
    }

    boolean anyDelta() {
        return modes.containsValue(Mode.DELTA);
    }

    /**
     * Reads {@code propertyName,value} rows; {@code file.<name>} rows give the modes, other rows are
     * ignored. A bad row is reported and its file taken as absent.
     */
    static Manifest read(CsvReader csv, Sink sink) throws IOException {
        Map<OneRosterFile, Mode> modes = new EnumMap<>(OneRosterFile.class);
        try (csv) {
            Optional<Map<String, Column>> columns =
                    HeaderCheck.read(FILE_NAME, csv, List.of("propertyName", "value"), sink);
            columns.ifPresent(byName -> csv.forEachRemaining(row -> readRow(new RowCheck(FILE_NAME, row, byName), modes, sink)));
        }
        return new Manifest(modes);
    }

    private static void readRow(RowCheck row, Map<OneRosterFile, Mode> modes, Sink sink) {
        String property = row.text("propertyName");
        for (OneRosterFile file : OneRosterFile.values()) {
            if (("file." + file.baseName()).equals(property)) {
                String mode = row.required("value", MODE);
                if (row.report(sink)) {
                    modes.put(file, Mode.valueOf(mode.toUpperCase(Locale.ROOT)));
                }
            }
        }
    }
}
