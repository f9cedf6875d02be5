package org.hermod.sis;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Zips OneRoster exports and drops files into an import folder the way an SIS would: written aside, then moved in. */
public final class SisDrops {

    private SisDrops() {
    }

    /** Zips every file of {@code export} (flat) into {@code zip}; {@code comment} changes the bytes, not the content. */
    public static Path zip(Path export, Path zip, String comment) throws IOException {
        Files.createDirectories(zip.getParent());
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out);
             Stream<Path> files = Files.list(export)) {
            for (Path f : files.sorted().toList()) {
                z.putNextEntry(new ZipEntry(f.getFileName().toString()));
                Files.copy(f, z);
                z.closeEntry();
            }
            if (comment != null) {
                z.setComment(comment);
            }
        }
        return zip;
    }

    public static Path fixture(String name) {
        return Path.of("src/test/resources/sis", name);
    }

    /** Copies {@code file} into {@code folder} as {@code name} atomically. */
    public static void drop(Path file, Path folder, String name) throws IOException {
        Path temp = folder.resolve("." + name + ".part");
        Files.copy(file, temp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(temp, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Waits until {@code name} has left the folder (moved to done/, error/ or held/) and returns where it went. */
    public static Path awaitProcessed(Path folder, String name) throws IOException {
        await().atMost(Duration.ofSeconds(60)).until(() -> !Files.exists(folder.resolve(name)) && find(folder, name) != null);
        return find(folder, name);
    }

    private static Path find(Path folder, String name) throws IOException {
        for (String sub : List.of("done", "error", "held")) {
            Path dir = folder.resolve(sub);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    Path hit = files.filter(p -> p.getFileName().toString().endsWith("-" + name)).findFirst().orElse(null);
                    if (hit != null) {
                        return hit;
                    }
                }
            }
        }
        return null;
    }
}
