package org.hermod.sis;

/**
 * A file that cannot be read on as CSV from this point: bad bytes for its charset, an open quote, a record over
 * the length limit, an I/O error. Nothing after it can be trusted, so the file was not read to its end.
 */
public final class CsvException extends RuntimeException {

    private final transient RowError error;

    public CsvException(String file, int line, String reason) {
        this(new RowError(file, line, null, reason));
    }

    public CsvException(RowError error) {
        super(error.toString());
        this.error = error;
    }

    public RowError toRowError() {
        return error;
    }
}
