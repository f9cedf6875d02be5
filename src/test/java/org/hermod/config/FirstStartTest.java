package org.hermod.config;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.hermod.testing.HermodApp;
import org.hermod.testing.Http;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The first start on an empty database: the generated operator password goes to an owner-only file under the data
 * folder, never to stdout (the journal under systemd), and the start-up output says where it is and which address
 * the HTTP endpoints are bound to.
 */
class FirstStartTest {

    @Test
    void theGeneratedPasswordIsInAnOwnerOnlyFileAndTheEndpointsShowTheBindAddress() throws Exception {
        Path data = Files.createTempDirectory("hermod-first").resolve("data");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        PrintStream original = System.out;
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        log.start();
        root.addAppender(log);
        System.setOut(new PrintStream(new Tee(original, stdout), true, StandardCharsets.UTF_8));
        HermodApp app;
        try {
            app = HermodApp.on(TestDatabases.h2()).with("hermod.admin.password", "")
                    .with("hermod.data.dir", data.toString()).with("hermod.api.host", "127.0.0.1").start();
        } finally {
            System.setOut(original);
            root.detachAppender(log);
        }
        try (app) {
            Path file = data.resolve("admin-password");
            String password = Files.readString(file).trim();
            assertThat(password).hasSizeGreaterThanOrEqualTo(20);
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.getPosixFilePermissions(data)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
            assertThat(Http.basic(app.port(), "admin", password).get("/api/sms").status()).isEqualTo(200);

            String out = stdout.toString(StandardCharsets.UTF_8);
            List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            assertThat(out).contains("=== Hermod is running ===", file.toAbsolutePath().toString())
                    .doesNotContain(password);
            assertThat(lines).noneMatch(l -> l.contains(password));
            assertThat(lines).anyMatch(l -> l.contains("http://127.0.0.1:" + app.port() + "/api/sms"));
            assertThat(lines).noneMatch(l -> l.contains("0.0.0.0"));
            assertThat(out).doesNotContain("0.0.0.0");
        }
    }

    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
