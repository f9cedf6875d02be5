package org.hermod.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.DriverManager;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A failed statement's error, as Hermod logs it and writes it to the error log, quotes no value of the statement
 * (H2 copies a value that does not fit and the parameters; PostgreSQL the key's value and the failing row), but
 * still says what failed and where.
 */
class SqlMessagesTest {

    private static final String MOBILE = "+4520987654";
    private static final String NAME = "Anna-Sofie Kristiansen";

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void noValueOfTheStatementIsQuotedInTheMessageOrItsStackTrace(String database) throws Exception {
        String url = database.equals("h2") ? TestDatabases.h2() : TestDatabases.postgres();
        String user = database.equals("h2") ? "sa" : "postgres";
        try (var c = DriverManager.getConnection(url, user, "")) {
            c.createStatement().execute("create table person (mobile varchar(12) primary key, name varchar(10) not null, "
                    + "age integer)");
        }
        com.zaxxer.hikari.HikariDataSource ds = new com.zaxxer.hikari.HikariDataSource();
        ds.setJdbcUrl(url);
        ds.setUsername(user);
        try (ds) {
            Jdbc jdbc = new Jdbc(ds);
            jdbc.update("insert into person (mobile, name) values (?, ?)", MOBILE, "Anna");

            Jdbc.DataException tooLong = catchThrowableOfType(Jdbc.DataException.class,
                    () -> jdbc.update("insert into person (mobile, name) values (?, ?)", "+4520111111", NAME));
            assertQuotesNoValue(tooLong);
            assertThat(tooLong.getMessage()).containsIgnoringCase("too long");

            Jdbc.DataException duplicate = catchThrowableOfType(Jdbc.DataException.class,
                    () -> jdbc.update("insert into person (mobile, name) values (?, ?)", MOBILE, "Bo"));
            assertQuotesNoValue(duplicate);
            assertThat(duplicate.isUniqueViolation()).isTrue();

            Jdbc.DataException missing = catchThrowableOfType(Jdbc.DataException.class,
                    () -> jdbc.update("insert into person (mobile, name, age) values (?, null, 7)", "+4520222222"));
            assertQuotesNoValue(missing);
            assertThat(missing.getMessage()).containsIgnoringCase("null");
        }
    }

    private static void assertQuotesNoValue(Jdbc.DataException e) {
        assertThat(e).isNotNull();
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString()).as(trace.toString()).doesNotContain(MOBILE, "+4520111111", "+4520222222", NAME,
                "Kristiansen");
    }
}
