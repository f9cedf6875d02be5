package org.hermod.sis;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.hermod.db.Jdbc;
import org.hermod.testing.TestDatabases;

/**
 * A reader streaming into a {@link DirectoryWriter} on a fresh, migrated H2 database, in one transaction as an
 * import does, without the application around it: for the checks the writer makes in the database (duplicate
 * user and enrollment ids, references to users), which a reader alone no longer makes.
 */
final class DirectoryImport {

    /** Reads into the sink it is given. */
    @FunctionalInterface
    interface Read {
        void into(Sink sink) throws Exception;
    }

    /** The errors of the import and what it wrote. */
    /** @param users each user written, as {@code "<sis id> <given name>"}, in the order written */
    record Result(List<RowError> errors, DirectoryWriter.Counts counts, List<String> users) {
        List<RowError> errorsIn(String file) {
            return errors.stream().filter(e -> e.file().equals(file)).toList();
        }
    }

    private DirectoryImport() {
    }

    /** A full import into an empty directory of tenant {@code default}. */
    static Result full(Read read) throws Exception {
        return full(read, 3);
    }

    static Result full(Read read, int batchSize) throws Exception {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL(TestDatabases.h2());
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        Jdbc jdbc = new Jdbc(dataSource);
        jdbc.update("insert into tenant (id, name, created_at) values ('default', 'Default', ?)", Instant.now());
        List<RowError> errors = new ArrayList<>();
        LocalDate today = LocalDate.of(2026, 1, 12);
        DirectoryWriter.Counts counts = jdbc.tx(c -> {
            DirectoryWriter writer = new DirectoryWriter(c, new DirectoryWriter.Options("default", "test", 1, true, false,
                    today, today.plusDays(14), batchSize, null), Instant.now(), mobile -> mobile, errors::add, () -> { });
            try {
                read.into(writer);
            } catch (SQLException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return writer.finish();
        });
        try (Connection c = dataSource.getConnection()) {
            return new Result(errors, counts, Jdbc.query(c, "select sis_id, given_name from dir_user order by id",
                    rs -> rs.getString(1) + " " + rs.getString(2)));
        }
    }
}
