package org.hermod.db;

import java.sql.SQLException;
import java.util.regex.Pattern;

/**
 * Database error messages without the values they quote. H2 copies up to 80 characters of a value that does not
 * fit into its message ({@code Value too long for column ...: "'+4520...' (40)"}) and the parameters of the
 * statement ({@code {1: 'Anna'}}); PostgreSQL's detail names the key's value ({@code Key (mobile)=(+4520...)
 * already exists}) and a failing row in full. Those values are a school's personal data, and these messages go to
 * the log, the error log ({@code /api/errors}) and error mails. What stays says what went wrong and where: the
 * error, the column or constraint, the SQL with its placeholders, the SQLState.
 */
public final class SqlMessages {

    private static final Pattern QUOTED = Pattern.compile("'(?:[^']|'')*'(?: \\(\\d+\\))?");
    private static final Pattern TRUNCATED = Pattern.compile("'(?:[^']|'')*\\.\\.\\.(?: \\(\\d+\\))?");
    private static final Pattern PARAMETERS = Pattern.compile("\\{\\d+: [^}]*}");
    private static final Pattern KEY_VALUE = Pattern.compile("\\(([^()]*)\\)=\\((?:[^()]|\\([^()]*\\))*\\)");
    private static final Pattern FAILING_ROW = Pattern.compile("(Failing row contains) \\(.*\\)\\.?", Pattern.DOTALL);
    private static final Pattern INPUT_SYNTAX = Pattern.compile("(invalid input (?:syntax|value) for [^:]*): \".*?\"");

    private SqlMessages() {
    }

    /** {@code message} with every value it quotes replaced by {@code …}. */
    public static String withoutValues(String message) {
        if (message == null) {
            return null;
        }
        String m = PARAMETERS.matcher(message).replaceAll("{…}");
        m = FAILING_ROW.matcher(m).replaceAll("$1 (…).");
        m = KEY_VALUE.matcher(m).replaceAll("($1)=(…)");
        m = INPUT_SYNTAX.matcher(m).replaceAll("$1: \"…\"");
        m = QUOTED.matcher(m).replaceAll("'…'");
        return TRUNCATED.matcher(m).replaceAll("'…'");
    }

    /**
     * A copy of {@code e} and its causes (and, for batches, its next exceptions) with the values taken out of their
     * messages, keeping SQLState, error code and stack traces, so that a logged stack trace quotes no value either.
     */
    public static SQLException withoutValues(SQLException e) {
        String message = withoutValues(e.getMessage());
        // the kinds Database.isUnreachable and callers tell apart stay what they were
        SQLException copy = e instanceof java.sql.SQLTransientConnectionException
                ? new java.sql.SQLTransientConnectionException(message, e.getSQLState(), e.getErrorCode())
                : e instanceof java.sql.SQLNonTransientConnectionException
                ? new java.sql.SQLNonTransientConnectionException(message, e.getSQLState(), e.getErrorCode())
                : e instanceof java.sql.SQLTimeoutException
                ? new java.sql.SQLTimeoutException(message, e.getSQLState(), e.getErrorCode())
                : new SQLException(message, e.getSQLState(), e.getErrorCode());
        copy.setStackTrace(e.getStackTrace());
        if (e.getNextException() != null && e.getNextException() != e) {
            copy.setNextException(withoutValues(e.getNextException()));
        }
        Throwable cause = e.getCause();
        if (cause instanceof SQLException sql && cause != e) {
            copy.initCause(withoutValues(sql));
        } else if (cause != null) {
            RuntimeException other = new RuntimeException(cause.getClass().getName() + ": " + withoutValues(cause.getMessage()));
            other.setStackTrace(cause.getStackTrace());
            copy.initCause(other);
        }
        return copy;
    }
}
