package org.hermod.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.hermod.config.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded database's folder is made readable by its owner only: it holds a school's personal data. */
class DataFolderTest {

    @TempDir
    Path temp;

    @Test
    void theDatabaseFolderIsTheOwnersOnly() {
        Path data = temp.resolve("data");
        Database.open(new Settings(key -> Optional.ofNullable(Map.of("hermod.db.url", "jdbc:h2:file:" + data.resolve("hermod"),
                "hermod.db.user", "sa", "hermod.db.pool-size", "2").get(key)))).close();
        assertThat(Files.isDirectory(data)).isTrue();
        assertThat(PosixFilePermissions.toString(assertNoThrow(data))).isEqualTo("rwx------");
    }

    private static java.util.Set<java.nio.file.attribute.PosixFilePermission> assertNoThrow(Path p) {
        try {
            return Files.getPosixFilePermissions(p);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
