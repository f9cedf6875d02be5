package org.hermod.sis;

/** A file that cannot be read on as CSV from this point: bad bytes for its charset, an open quote. */
public final class CsvException extends RuntimeException {

    private final transient RowError error;

    public CsvException(String file, int line, String reason) {
        super(new RowError(file, line, null, reason).toString());
        this.error = new RowError(file, line, null, reason);
    }

    public RowError toRowError() {
        return error;
    }
}
