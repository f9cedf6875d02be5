package org.hermod.sis;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads a file's header row and checks that it names every column the reader needs. */
final class HeaderCheck {

    private HeaderCheck() {
    }

    /**
     * The header's columns by name; empty, after reporting to {@code sink} one error per missing
     * column (or one for a file without any row), if the file cannot be read on.
     */
    static Optional<Map<String, Column>> read(String file, CsvReader csv, Collection<String> required, Sink sink) {
        if (!csv.hasNext()) {
            sink.onError(new RowError(file, 0, null, "empty file: no header row"));
            return Optional.empty();
        }
        CsvRow header = csv.next();
        csv.columnNames(header.fields());
        Map<String, Column> columns = Column.byName(header);
        List<String> missing = required.stream().filter(name -> !columns.containsKey(name)).toList();
        missing.forEach(name -> sink.onError(new RowError(file, 1, name, "required column missing from header")));
        return missing.isEmpty() ? Optional.of(columns) : Optional.empty();
    }
}
