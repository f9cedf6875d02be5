package org.hermod.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.flywaydb.core.Flyway;
import org.hermod.config.OwnerOnlyFiles;
import org.hermod.config.Settings;

/** The connection pool and the schema migrations; plus the two conversions every repository needs. */
public final class Database {

    private Database() {
    }

    /** Opens the pool for {@code hermod.db.*} and migrates the schema to the latest version. */
    public static HikariDataSource open(Settings settings) {
        String url = settings.string("hermod.db.url");
        if (url.startsWith("jdbc:h2:file:")) {
            createParent(url.substring("jdbc:h2:file:".length()).split(";")[0]);
        }
        if (url.startsWith("jdbc:postgresql:") && !url.contains("reWriteBatchedInserts")) {
            url += (url.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true";
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(settings.string("hermod.db.user", ""));
        config.setPassword(settings.string("hermod.db.password", ""));
        config.setMaximumPoolSize(settings.integer("hermod.db.pool-size", 1, 200));
        config.setPoolName("hermod-db");
        // a lost database must not hang the API or the jobs: waiting for a connection, checking one and (on
        // PostgreSQL) waiting for a statement's answer are all bounded
        java.time.Duration connectionTimeout = settings.duration("hermod.db.connection-timeout", java.time.Duration.ofSeconds(2));
        config.setConnectionTimeout(connectionTimeout.toMillis());
        config.setValidationTimeout(Math.max(250, Math.min(1000, config.getConnectionTimeout() / 2)));
        if (url.startsWith("jdbc:postgresql:")) {
            // strings: the driver reads them with Properties.getProperty, which ignores other values
            config.addDataSourceProperty("connectTimeout", String.valueOf(Math.max(1, connectionTimeout.toSeconds())));
            config.addDataSourceProperty("socketTimeout", String.valueOf(settings.duration("hermod.db.socket-timeout",
                    java.time.Duration.ofMinutes(2)).toSeconds()));
        }
        HikariDataSource dataSource = new HikariDataSource(config);
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        return dataSource;
    }

    private static void createParent(String file) {
        try {
            Path parent = Path.of(file).toAbsolutePath().getParent();
            if (parent != null) { // the database holds a school's personal data: its folder is the owner's only
                OwnerOnlyFiles.createDirectories(parent);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Cannot create the database folder for " + file, e);
        }
    }

    /**
     * Whether a failure means the database cannot be reached (no connection within the timeout, a broken or refused
     * connection: SQLState class 08), as opposed to a failing statement.
     */
    public static boolean isUnreachable(Throwable failure) {
        return anyInChain(failure, t -> t instanceof java.sql.SQLTransientConnectionException
                || t instanceof java.sql.SQLNonTransientConnectionException || sqlState(t).startsWith("08"));
    }

    /** Whether {@code failure} or one of its causes is {@code what}. */
    public static boolean anyInChain(Throwable failure, java.util.function.Predicate<Throwable> what) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (what.test(t)) {
                return true;
            }
        }
        return false;
    }

    /** The SQLState of {@code t} when it is an SQLException that has one, else "". */
    public static String sqlState(Throwable t) {
        return t instanceof SQLException e && e.getSQLState() != null ? e.getSQLState() : "";
    }

    /** Whether {@code c} is a PostgreSQL connection (the embedded default otherwise is H2). */
    public static boolean isPostgres(java.sql.Connection c) throws SQLException {
        return c.isWrapperFor(org.postgresql.core.BaseConnection.class);
    }

    /** Instants are stored as UTC wall time in plain {@code timestamp} columns, independent of the JVM zone. */
    public static LocalDateTime ts(Instant instant) {
        return instant == null ? null : LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        LocalDateTime value = rs.getObject(column, LocalDateTime.class);
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }

}
