package org.hermod.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Databases for tests: a fresh H2 in-memory database, or a fresh database in one embedded PostgreSQL
 * (io.zonky, a real PostgreSQL 14 server process) started once per test JVM.
 */
public final class TestDatabases {

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    private TestDatabases() {
    }

    public static String h2() {
        return "jdbc:h2:mem:hermod" + COUNTER.incrementAndGet() + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000";
    }

    /** A new, empty PostgreSQL database; user {@code postgres}, no password. */
    public static synchronized String postgres() {
        try {
            if (postgres == null) {
                postgres = EmbeddedPostgres.builder().setServerConfig("max_connections", "200").start();
            }
            String name = "hermod" + COUNTER.incrementAndGet();
            try (Connection c = postgres.getPostgresDatabase().getConnection()) {
                c.createStatement().execute("create database " + name);
            }
            return postgres.getJdbcUrl("postgres", name);
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("Cannot start embedded PostgreSQL", e);
        }
    }
}
