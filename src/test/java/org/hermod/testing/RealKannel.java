package org.hermod.testing;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real Kannel (Debian's 1.4.5: bearerbox and smsbox as child processes) bound to a {@link TestSmsc}, with a
 * generated kannel.conf: one smpp smsc group with {@code binds} transceiver instances, internal DLR storage, no
 * store, log level warning, and one sendsms-user {@code bench}/{@code benchsend}. Logs and the configuration are
 * in target/kannel/. Used by KannelBench and by the tests that compare Hermod's sendsms with Kannel's.
 */
public final class RealKannel implements AutoCloseable {

    public static final Path BEARERBOX = Path.of("/usr/sbin/bearerbox");
    public static final Path SMSBOX = Path.of("/usr/sbin/smsbox");
    public static final String USER = "bench";
    public static final String PASSWORD = "benchsend";

    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final int sendsmsPort;
    private String version = "?";

    private RealKannel(int sendsmsPort) {
        this.sendsmsPort = sendsmsPort;
    }

    public static boolean installed() {
        return Files.isExecutable(BEARERBOX) && Files.isExecutable(SMSBOX);
    }

    public static RealKannel start(TestSmsc smsc, int binds, int window) throws Exception {
        return new RealKannel(HermodApp.freePort()).launch(smsc, binds, window);
    }

    public String version() {
        return version;
    }

    public int sendsmsPort() {
        return sendsmsPort;
    }

    /** The sendsms URL with this query (no leading ?). */
    public URI sendsms(String query) {
        return URI.create("http://127.0.0.1:" + sendsmsPort + "/cgi-bin/sendsms?" + query);
    }

    private RealKannel launch(TestSmsc smsc, int binds, int window) throws Exception {
        Path dir = Path.of("target/kannel").toAbsolutePath();
        Files.createDirectories(dir);
        int adminPort = HermodApp.freePort();
        int smsboxPort = HermodApp.freePort();
        Path conf = dir.resolve("kannel.conf");
        Files.writeString(conf, """
                group = core
                admin-port = %d
                admin-password = benchadmin
                status-password = benchadmin
                admin-allow-ip = "127.0.0.1"
                smsbox-port = %d
                box-allow-ip = "127.0.0.1"
                log-file = "%s/bearerbox.log"
                log-level = 2
                dlr-storage = internal

                group = smsc
                smsc = smpp
                smsc-id = testsmsc
                instances = %d
                host = 127.0.0.1
                port = %d
                transceiver-mode = true
                smsc-username = %s
                smsc-password = %s
                system-type = ""
                max-pending-submits = %d
                enquire-link-interval = 30
                log-level = 2

                group = smsbox
                bearerbox-host = 127.0.0.1
                bearerbox-port = %d
                sendsms-port = %d
                log-file = "%s/smsbox.log"
                log-level = 2

                group = sendsms-user
                username = %s
                password = %s
                max-messages = 1
                concatenation = false
                user-allow-ip = "127.0.0.1"
                """.formatted(adminPort, smsboxPort, dir, binds, smsc.port(), smsc.systemId, smsc.password,
                window, smsboxPort, sendsmsPort, dir, USER, PASSWORD));
        long boundBefore = smsc.bound();
        try {
            // -v 2: warnings and up on stderr too (the default, 0, prints every debug line)
            processes.add(new ProcessBuilder(BEARERBOX.toString(), "-v", "2", conf.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("bearerbox.out").toFile()).start());
            await().atMost(Duration.ofSeconds(20)).until(() -> smsc.bound() == boundBefore + binds);
            URI status = URI.create("http://127.0.0.1:" + adminPort + "/status.txt?password=benchadmin");
            String text = http.send(HttpRequest.newBuilder(status).build(), HttpResponse.BodyHandlers.ofString()).body();
            var m = java.util.regex.Pattern.compile("Kannel bearerbox version `([^']+)'").matcher(text);
            if (m.find()) {
                version = m.group(1);
            }
            processes.add(new ProcessBuilder(SMSBOX.toString(), "-v", "2", conf.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("smsbox.out").toFile()).start());
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> http.send(
                    HttpRequest.newBuilder(status).build(), HttpResponse.BodyHandlers.ofString()).body()
                    .contains("smsbox:"));
            return this;
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process p = processes.get(i);
            p.destroy();
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
    }
}
