package org.hermod.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Small JDBC helpers: a transaction around a block, single statements, and queries that map rows. */
public final class Jdbc {

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private final DataSource dataSource;

    public Jdbc(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Runs work in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T tx(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) { // an OutOfMemoryError too: roll back now, not at close
                try {
                    c.rollback();
                } catch (SQLException rollbackFailed) {
                    e.addSuppressed(rollbackFailed); // a broken connection fails its rollback too: keep the first cause
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new DataException(e);
        }
    }

    /**
     * One statement on its own, in auto-commit: the same transaction as {@code tx} around it, without the second
     * round trip to the database for the commit (this halves the cost of the small reads every request makes).
     */
    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... args) {
        return autoCommit(c -> query(c, sql, mapper, args));
    }

    /** One statement on its own, in auto-commit (see {@link #query(String, RowMapper, Object...)}). */
    public int update(String sql, Object... args) {
        return autoCommit(c -> update(c, sql, args));
    }

    private <T> T autoCommit(Work<T> statement) {
        try (Connection c = dataSource.getConnection()) {
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true);
            }
            return statement.run(c);
        } catch (SQLException e) {
            throw new DataException(e);
        }
    }

    public static <T> List<T> query(Connection c, String sql, RowMapper<T> mapper, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(mapper.map(rs));
                }
                return rows;
            }
        }
    }

    public static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }

    public static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object arg = args[i] instanceof java.time.Instant instant ? Database.ts(instant) : args[i];
            ps.setObject(i + 1, arg);
        }
    }

    /**
     * An unexpected database failure. Its message and causes quote no value of the statement ({@link SqlMessages}):
     * they are logged and shown in the error log, and the values may be personal data.
     */
    public static final class DataException extends RuntimeException {
        public DataException(SQLException cause) {
            super(SqlMessages.withoutValues(cause.getMessage()), SqlMessages.withoutValues(cause));
        }

        /** A unique or primary key was violated (SQLState 23505 on H2 and PostgreSQL): someone inserted it first. */
        public boolean isUniqueViolation() {
            return Database.anyInChain(getCause(), t -> Database.sqlState(t).equals("23505"));
        }
    }
}
