package org.hermod.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Prints a benchmark's result lines and keeps them in target/bench/<name>.txt, which bench/run shows. */
final class BenchReport {

    private final Path file;

    BenchReport(String name) {
        this.file = Path.of("target/bench", name + ".txt");
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void printf(String format, Object... args) {
        String text = String.format(format, args);
        System.out.print(text);
        try {
            Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
