package org.hermod.testing;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real pseudo-terminal pair from socat: {@link #hermod()} is opened by Hermod as a serial port, the emulator
 * serves {@link #modem()}. Tests that use it are {@code *IT} and skipped when socat is not installed.
 */
public final class PtyPair implements AutoCloseable {

    private final Path dir;
    private final Process socat;

    private PtyPair(Path dir, Process socat) {
        this.dir = dir;
        this.socat = socat;
    }

    /** Skips the calling test (JUnit assumption) when socat is missing. */
    public static void assumeSocat() {
        boolean found = false;
        for (String p : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            found |= Files.isExecutable(Path.of(p, "socat"));
        }
        Assumptions.assumeTrue(found, "socat is not installed: apt-get install socat to run the pty tests");
    }

    public static PtyPair start() throws IOException, InterruptedException {
        assumeSocat();
        Path dir = Files.createTempDirectory("hermod-pty");
        Process p = new ProcessBuilder("socat", "-d", "-d", "pty,raw,echo=0,link=" + dir.resolve("modem"),
                "pty,raw,echo=0,link=" + dir.resolve("hermod"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("socat.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(Files.exists(dir.resolve("modem")) && Files.exists(dir.resolve("hermod")))) {
            if (System.nanoTime() > deadline || !p.isAlive()) {
                p.destroy();
                throw new IOException("socat did not create the pty pair: " + Files.readString(dir.resolve("socat.log")));
            }
            Thread.sleep(20);
        }
        return new PtyPair(dir, p);
    }

    public Path modem() {
        return dir.resolve("modem");
    }

    public Path hermod() {
        return dir.resolve("hermod");
    }

    /** Serves the modem end with {@code emulator} on a daemon thread until the pair is closed. */
    public void serve(ModemEmulator emulator) throws IOException {
        FileInputStream in = new FileInputStream(modem().toFile());
        FileOutputStream out = new FileOutputStream(modem().toFile());
        Thread t = new Thread(() -> emulator.serve(in, out, () -> {
            in.close();
            out.close();
        }), "pty-modem-emulator");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        socat.destroy();
    }
}
