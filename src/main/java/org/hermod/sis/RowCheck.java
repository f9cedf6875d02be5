package org.hermod.sis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads the fields of one row and collects what is wrong with them, so that a row is judged
 * whole: all its errors are reported, not just the first.
 *
 * <p>Values are trimmed; an empty value or a column the file does not have reads as null. An
 * error in a contact field (e-mail, phone) is reported but leaves the row acceptable, with that
 * field null; any other error rejects the row. A field Hermod does not use is read {@link #lenient}: a
 * bad value is a warning and leaves the row as it is.
 */
final class RowCheck {

    private final String file;
    private final CsvRow row;
    private final Map<String, Column> columns;
    private final List<RowError> errors = new ArrayList<>();
    private final List<RowError> warnings = new ArrayList<>();
    private boolean rejected;

    RowCheck(String file, CsvRow row, Map<String, Column> columns) {
        this.file = file;
        this.row = row;
        this.columns = columns;
    }

    int line() {
        return row.line();
    }

    /** This row, with the column that holds the record's id ({@code idKey}). */
    Origin origin(String idKey) {
        return new Origin(file, row.line(), label(idKey));
    }

    /** The value, or null if empty or the column is absent. */
    String text(String key) {
        Column column = columns.get(key);
        if (column == null) {
            return null;
        }
        String value = row.field(column.index()).trim();
        return value.isEmpty() ? null : value;
    }

    String required(String key) {
        String value = text(key);
        if (value == null) {
            reject(key, "required value missing");
        }
        return value;
    }

    <T> T optional(String key, Function<String, T> parser) {
        String value = text(key);
        return value == null ? null : parse(key, value, parser);
    }

    <T> T required(String key, Function<String, T> parser) {
        String value = required(key);
        return value == null ? null : parse(key, value, parser);
    }

    /**
     * A field Hermod does not use: the value parsed, or null with a warning (the row kept) if it is not as
     * {@code parser} wants it.
     */
    <T> T lenient(String key, Function<String, T> parser) {
        String value = text(key);
        if (value == null) {
            return null;
        }
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            warn(key, e.getMessage());
            return null;
        }
    }

    /** Something wrong with a field Hermod does not use: reported as a warning, the row kept. */
    void warn(String key, String reason) {
        warnings.add(new RowError(file, row.line(), label(key), reason + " (a field Hermod does not use: row kept)"));
    }

    /** The address, or null (reported, row kept) if it is not one. */
    String email(String key) {
        return contact(key, ContactChecks::emailProblem);
    }

    /** The number as written, or null (reported, row kept) if it cannot be a phone number. */
    String phone(String key) {
        return contact(key, ContactChecks::phoneProblem);
    }

    void reject(String key, String reason) {
        errors.add(new RowError(file, row.line(), label(key), reason));
        rejected = true;
    }

    boolean rejected() {
        return rejected;
    }

    /** Hands the errors and then the warnings found to {@code sink}; true if the row is to be passed on. */
    boolean report(Sink sink) {
        errors.forEach(sink::onError);
        warnings.forEach(sink::onWarning);
        return !rejected;
    }

    private <T> T parse(String key, String value, Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            reject(key, e.getMessage());
            return null;
        }
    }

    private String contact(String key, Function<String, Optional<String>> check) {
        String value = text(key);
        if (value == null) {
            return null;
        }
        Optional<String> problem = check.apply(value);
        problem.ifPresent(reason -> errors.add(new RowError(file, row.line(), label(key), reason)));
        return problem.isPresent() ? null : value;
    }

    private String label(String key) {
        Column column = columns.get(key);
        return column == null ? key : column.label();
    }
}
