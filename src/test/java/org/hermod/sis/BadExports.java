package org.hermod.sis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/** The bulk fixture export copied to a temporary directory, with one file swapped for a bad one. */
final class BadExports {

    private BadExports() {
    }

    static Path copyOfBulk(Path temp) throws IOException {
        Path export = temp.resolve("export");
        Files.createDirectories(export);
        try (Stream<Path> files = Files.list(OneRosterReaderTest.resource("oneroster-bulk"))) {
            for (Path file : files.toList()) {
                Files.copy(file, export.resolve(file.getFileName()));
            }
        }
        return export;
    }

    /** The bulk export with {@code fileName} replaced by the fixture {@code sis/bad/<badFixture>}. */
    static Path bulkWith(Path temp, String fileName, String badFixture) throws IOException {
        Path export = copyOfBulk(temp);
        Files.copy(OneRosterReaderTest.resource("bad/" + badFixture), export.resolve(fileName),
                StandardCopyOption.REPLACE_EXISTING);
        return export;
    }
}
