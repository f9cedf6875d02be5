package org.hermod.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.hermod.testing.HermodApp;
import org.hermod.testing.TestSmsc;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 3's comparison: Kannel 1.4.5 (bearerbox + smsbox, fed through its HTTP sendsms interface) and Hermod
 * (the {@link SmppBench} path: one API call on embedded PostgreSQL) each send a 10,000-recipient SMS to the SAME
 * in-JVM jSMPP SMSC on loopback, in the same JVM run, runs interleaved (Kannel, Hermod, Kannel, Hermod, ...).
 * Each run is timed from the first request to the 10,000th submit_sm accepted by the SMSC. Median of three.
 *
 * <p>Kannel gets as many binds and the same window as Hermod ({@code bench.binds}, {@code bench.window}), no
 * throughput limit, no message store, log level warning. The feeder keeps {@code bench.kannel.concurrency}
 * (default 32) sendsms GET requests in flight over the JDK HttpClient.
 *
 * <p>Needs /usr/sbin/bearerbox and /usr/sbin/smsbox ({@code apt-get install kannel}; bench/run installs it).
 * Logs and the generated kannel.conf are in target/kannel/.
 */
@Tag("bench")
class KannelBench {

    private static final Path BEARERBOX = Path.of("/usr/sbin/bearerbox");
    private static final Path SMSBOX = Path.of("/usr/sbin/smsbox");
    private static final int USERS = SmppBench.USERS;
    private static final int CONCURRENCY = Integer.getInteger("bench.kannel.concurrency", 32);

    private final BenchReport report = new BenchReport("kannel");

    @Test
    void kannelAgainstHermodOnOneSmsc() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(BEARERBOX) && Files.isExecutable(SMSBOX),
                "Kannel is not installed: apt-get install -y kannel (Debian 12 ships 1.4.5), then run bench/run KannelBench");
        try (TestSmsc smsc = new TestSmsc("bench", "benchpw", 8);
             Kannel kannel = Kannel.start(smsc, Integer.parseInt(SmppBench.BINDS), Integer.parseInt(SmppBench.WINDOW),
                     this::report);
             SmppBench.HermodSide hermod = SmppBench.HermodSide.start(smsc)) {
            report("Kannel " + kannel.version + ": " + SmppBench.BINDS + " transceiver binds (instances), "
                    + "max-pending-submits " + SmppBench.WINDOW + ", throughput unset, no store, log level 2; "
                    + "HTTP feeder: JDK HttpClient, " + CONCURRENCY + " sendsms GETs in flight");
            report("Hermod: " + SmppBench.BINDS + " binds, window " + SmppBench.WINDOW
                    + ", embedded PostgreSQL, one API call; same TestSmsc (jSMPP, in this JVM, loopback)");
            kannel.warmUp();
            List<Long> kannelMs = new ArrayList<>();
            List<Long> hermodMs = new ArrayList<>();
            for (int run = 1; run <= 3; run++) {
                kannelMs.add(kannel.run(run));
                hermodMs.add(hermod.run(run, this::report));
            }
            long k = median(kannelMs);
            long h = median(hermodMs);
            report(String.format("Kannel median %d ms = %d SMS/s (runs %s)", k, USERS * 1000L / k, kannelMs));
            report(String.format("Hermod median %d ms = %d SMS/s (runs %s)", h, USERS * 1000L / h, hermodMs));
            report(String.format("Hermod / Kannel throughput: %.2f", (double) k / h));
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(Long::compare);
        return sorted.get(sorted.size() / 2);
    }

    private void report(String line) {
        report.printf("%s%n", line);
    }

    /** bearerbox and smsbox as child processes with a generated kannel.conf. */
    private static final class Kannel implements AutoCloseable {
        private final TestSmsc smsc;
        private final java.util.function.Consumer<String> report;
        private final int sendsmsPort;
        private final List<Process> processes = new ArrayList<>();
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1).build();
        private String version = "?";

        private Kannel(TestSmsc smsc, int sendsmsPort, java.util.function.Consumer<String> report) {
            this.smsc = smsc;
            this.report = report;
            this.sendsmsPort = sendsmsPort;
        }

        static Kannel start(TestSmsc smsc, int binds, int window, java.util.function.Consumer<String> report)
                throws Exception {
            return new Kannel(smsc, HermodApp.freePort(), report).launch(binds, window);
        }

        private Kannel launch(int binds, int window) throws Exception {
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
                    username = bench
                    password = benchsend
                    max-messages = 1
                    concatenation = false
                    user-allow-ip = "127.0.0.1"
                    """.formatted(adminPort, smsboxPort, dir, binds, smsc.port(), smsc.systemId, smsc.password,
                    window, smsboxPort, sendsmsPort, dir));
            long boundBefore = smsc.bound();
            try {
                // -v 2: warnings and up on stderr too (the default, 0, prints every debug line)
                processes.add(new ProcessBuilder(BEARERBOX.toString(), "-v", "2", conf.toString())
                        .redirectErrorStream(true).redirectOutput(dir.resolve("bearerbox.out").toFile()).start());
                await().atMost(Duration.ofSeconds(20)).until(() -> smsc.bound() == boundBefore + binds);
                String status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort
                        + "/status.txt?password=benchadmin")).build(), HttpResponse.BodyHandlers.ofString()).body();
                var m = java.util.regex.Pattern.compile("Kannel bearerbox version `([^']+)'").matcher(status);
                if (m.find()) {
                    version = m.group(1);
                }
                processes.add(new ProcessBuilder(SMSBOX.toString(), "-v", "2", conf.toString())
                        .redirectErrorStream(true).redirectOutput(dir.resolve("smsbox.out").toFile()).start());
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort
                                + "/status.txt?password=benchadmin")).build(),
                        HttpResponse.BodyHandlers.ofString()).body().contains("smsbox:"));
                return this;
            } catch (Exception | Error e) {
                close();
                throw e;
            }
        }

        private URI sendsms(String to) {
            return URI.create("http://127.0.0.1:" + sendsmsPort + "/cgi-bin/sendsms?username=bench&password=benchsend"
                    + "&from=Skolen&charset=UTF-8&to=" + URLEncoder.encode(to, StandardCharsets.UTF_8)
                    + "&text=" + URLEncoder.encode(SmppBench.TEXT, StandardCharsets.UTF_8));
        }

        /** One SMS end to end, so smsbox, bearerbox and the bind are all up before the timed runs. */
        void warmUp() throws Exception {
            int before = smsc.submitted().size();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(sendsms("+4529999999")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(10)).until(() -> smsc.submitted().size() > before);
            TestSmsc.Submitted s = smsc.submitted().get(before);
            report.accept("Kannel warm-up submit_sm: to " + s.destination() + ", from " + s.source() + ", data_coding "
                    + s.dataCoding() + ", " + s.shortMessage().length + " bytes");
        }

        /** 10,000 sendsms requests as fast as smsbox takes them; ms until the SMSC accepted all 10,000. */
        long run(int n) throws Exception {
            int before = smsc.submitted().size();
            Semaphore inFlight = new Semaphore(CONCURRENCY);
            AtomicInteger accepted = new AtomicInteger();
            ConcurrentHashMap<String, AtomicInteger> failures = new ConcurrentHashMap<>();
            List<CompletableFuture<?>> all = new ArrayList<>(USERS);
            long start = System.nanoTime();
            for (int i = 0; i < USERS; i++) {
                inFlight.acquire();
                all.add(http.sendAsync(HttpRequest.newBuilder(sendsms("+4520" + String.format("%06d", i)))
                                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString())
                        .whenComplete((r, e) -> {
                            inFlight.release();
                            if (e == null && r.statusCode() == 202) {
                                accepted.incrementAndGet();
                            } else {
                                failures.computeIfAbsent(e != null ? e.toString() : r.statusCode() + " " + r.body(),
                                        k -> new AtomicInteger()).incrementAndGet();
                            }
                        }));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).handle((v, e) -> null)
                    .get(2, TimeUnit.MINUTES);
            long fed = System.nanoTime();
            assertThat(failures).as("sendsms failures").isEmpty();
            assertThat(accepted.get()).isEqualTo(USERS);
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(5))
                    .until(() -> smsc.submitted().size() >= before + USERS);
            long done = System.nanoTime();
            long ms = (done - start) / 1_000_000;
            report.accept("Kannel run " + n + ": " + ms + " ms (all 10,000 sendsms answered after " + (fed - start) / 1_000_000
                    + " ms), " + USERS * 1000L / Math.max(1, ms) + " SMS/s");
            return ms;
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
}
