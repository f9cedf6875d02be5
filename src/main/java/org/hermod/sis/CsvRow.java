package org.hermod.sis;

import java.util.List;

/**
 * One CSV record.
 *
 * @param line   physical line (1-based) on which the record starts; a record whose quoted field
 *               spans lines keeps the line of its first character
 * @param fields the fields in file order, unquoted, never null
 */
public record CsvRow(int line, List<String> fields) {

    public CsvRow {
        fields = List.copyOf(fields);
    }

    /** The field at {@code index} (0-based), or the empty string when the row is shorter. */
    public String field(int index) {
        return index < fields.size() ? fields.get(index) : "";
    }
}
