package org.hermod.sis;

/**
 * Why one row (or, with line 1 and a column, one header; with line 0, one whole file) was not
 * taken as it stands.
 *
 * @param file   file name as in the export, e.g. {@code users.csv}
 * @param line   physical line where the record starts; 1 is the header, 0 means the whole file
 * @param column column name as written in the file, or null when no single column is to blame
 * @param reason what is wrong, quoting the offending value
 */
public record RowError(String file, int line, String column, String reason) {

    /** For example {@code users.csv:17 column 'email': not an e-mail address 'x@'}. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(file);
        if (line > 0) {
            text.append(':').append(line);
        }
        if (column != null) {
            text.append(" column '").append(column).append('\'');
        }
        return text.append(": ").append(reason).toString();
    }
}
