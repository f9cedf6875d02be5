package org.hermod.sis;

import java.util.HashMap;
import java.util.Map;

/**
 * Where a wanted value sits in a row, and what the file calls its column in error messages.
 *
 * @param label the column's name in the header, or {@code #n} for a file without one
 * @param index 0-based position in the row
 */
record Column(String label, int index) {

    /** Columns keyed by their header names, trimmed; the first of two equal names wins. */
    static Map<String, Column> byName(CsvRow header) {
        Map<String, Column> columns = new HashMap<>();
        for (int i = 0; i < header.fields().size(); i++) {
            String name = header.fields().get(i).trim();
            columns.putIfAbsent(name, new Column(name, i));
        }
        return columns;
    }
}
