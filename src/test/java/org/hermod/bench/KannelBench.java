package org.hermod.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.hermod.testing.HermodApp;
import org.hermod.testing.RealKannel;
import org.hermod.testing.TestSmsc;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Kannel 1.4.5 (bearerbox + smsbox, {@link RealKannel}) and Hermod bound to the SAME in-JVM jSMPP SMSC, in the
 * same JVM run, runs interleaved. Three ways of sending 10,000 SMS, each timed from the first request to the
 * 10,000th submit_sm accepted by the SMSC, median of three:
 * <ul>
 *   <li>Kannel fed one sendsms GET per recipient, {@code bench.kannel.concurrency} (default 50) in flight;</li>
 *   <li>Hermod's Kannel-compatible sendsms fed exactly the same way (issue 11: per request);</li>
 *   <li>Hermod's API, one call for all 10,000 (the {@link SmppBench} path; issue 3).</li>
 * </ul>
 * Both sendsms are fed by {@link SendsmsFeeder}. Kannel gets as many binds and the same window as Hermod ({@code bench.binds}, {@code bench.window}), no
 * throughput limit, no message store, log level warning. Hermod runs on embedded PostgreSQL.
 */
@Tag("bench")
class KannelBench {

    private static final int USERS = SmppBench.USERS;
    private static final int CONCURRENCY = Integer.getInteger("bench.kannel.concurrency", 50);
    /** Untimed runs of each sendsms first ({@code bench.kannel.warm-up-runs}), then timed runs ({@code bench.kannel.runs}). */
    private static final int WARM_UP_RUNS = Integer.getInteger("bench.kannel.warm-up-runs", 1);
    private static final int RUNS = Integer.getInteger("bench.kannel.runs", 3);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();

    private final BenchReport report = new BenchReport("kannel");

    @Test
    void kannelAgainstHermodOnOneSmsc() throws Exception {
        Assumptions.assumeTrue(RealKannel.installed(),
                "Kannel is not installed: apt-get install -y kannel (Debian 12 ships 1.4.5), then run bench/run KannelBench");
        try (TestSmsc smsc = new TestSmsc("bench", "benchpw", 8);
             RealKannel kannel = RealKannel.start(smsc, Integer.parseInt(SmppBench.BINDS),
                     Integer.parseInt(SmppBench.WINDOW));
             SmppBench.HermodSide hermod = SmppBench.HermodSide.start(smsc)) {
            report("Kannel " + kannel.version() + ": " + SmppBench.BINDS + " transceiver binds (instances), "
                    + "max-pending-submits " + SmppBench.WINDOW + ", throughput unset, no store, log level 2");
            report("Hermod: " + SmppBench.BINDS + " binds, window " + SmppBench.WINDOW
                    + ", embedded PostgreSQL; same TestSmsc (jSMPP, in this JVM, loopback)");
            report("Feeder for both sendsms: JDK HttpClient, one GET per recipient, " + CONCURRENCY + " in flight");
            Function<String, URI> kannelSendsms = to -> kannel.sendsms("username=" + RealKannel.USER + "&password="
                    + RealKannel.PASSWORD + "&from=Skolen&charset=UTF-8&to=" + enc(to) + "&text=" + enc(SmppBench.TEXT));
            int port = hermod.app().port();
            Function<String, URI> hermodSendsms = to -> URI.create("http://127.0.0.1:" + port
                    + "/cgi-bin/sendsms?username=" + HermodApp.ADMIN + "&password=" + enc(HermodApp.ADMIN_PASSWORD)
                    + "&smsc=smpp1&from=Skolen&charset=UTF-8&to=" + enc(to) + "&text=" + enc(SmppBench.TEXT));
            warmUp(smsc, kannelSendsms, "Kannel");
            warmUp(smsc, hermodSendsms, "Hermod sendsms");
            // full runs of 10,000 before the timed ones: Hermod's JIT compiles its request path during the first
            // (Kannel is C and needs none, but gets the same), so the timed runs compare steady states
            for (int w = 1; w <= WARM_UP_RUNS; w++) {
                feed(smsc, kannelSendsms, "Kannel sendsms warm-up", w, "+4522");
                feed(smsc, hermodSendsms, "Hermod sendsms warm-up", w, "+4523");
            }
            List<Long> kannelMs = new ArrayList<>();
            List<Long> hermodSendsmsMs = new ArrayList<>();
            List<Long> hermodApiMs = new ArrayList<>();
            for (int run = 1; run <= RUNS; run++) {
                kannelMs.add(feed(smsc, kannelSendsms, "Kannel sendsms", run, "+4520"));
                hermodSendsmsMs.add(feed(smsc, hermodSendsms, "Hermod sendsms", run, "+4521"));
                await().atMost(Duration.ofMinutes(1)).until(() -> hermod.app().count(
                        "select count(*) from sms where status in ('QUEUED', 'SENDING')") == 0);
                hermodApiMs.add(hermod.run(run, this::report));
            }
            long k = median(kannelMs);
            long hs = median(hermodSendsmsMs);
            long ha = median(hermodApiMs);
            report(String.format("Kannel sendsms median %d ms = %d SMS/s (runs %s)", k, USERS * 1000L / k, kannelMs));
            report(String.format("Hermod sendsms median %d ms = %d SMS/s (runs %s)", hs, USERS * 1000L / hs,
                    hermodSendsmsMs));
            report(String.format("Hermod API median %d ms = %d SMS/s (runs %s)", ha, USERS * 1000L / ha, hermodApiMs));
            report(String.format("Hermod sendsms / Kannel sendsms throughput: %.2f", (double) k / hs));
            report(String.format("Hermod API / Kannel sendsms throughput: %.2f", (double) k / ha));
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** One SMS end to end, so every box and bind is up before the timed runs. */
    private void warmUp(TestSmsc smsc, Function<String, URI> sendsms, String who) throws Exception {
        int before = smsc.submitted().size();
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(sendsms.apply("+4529999999")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> smsc.submitted().size() > before);
        TestSmsc.Submitted s = smsc.submitted().get(before);
        report(who + " warm-up submit_sm: to " + s.destination() + ", from " + s.source() + ", data_coding "
                + s.dataCoding() + ", " + s.shortMessage().length + " bytes");
    }

    /** 10,000 sendsms requests, one per recipient; ms until the SMSC accepted all 10,000. */
    private long feed(TestSmsc smsc, Function<String, URI> sendsms, String who, int n, String prefix)
            throws Exception {
        int before = smsc.submittedCount();
        long start = System.nanoTime();
        SendsmsFeeder.Result fed = SendsmsFeeder.feed(USERS, CONCURRENCY,
                i -> sendsms.apply(prefix + String.format("%06d", i)));
        assertThat(fed.failures()).as(who + " failures").isEmpty();
        assertThat(fed.accepted()).isEqualTo(USERS);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(5))
                .until(() -> smsc.submittedCount() >= before + USERS);
        long ms = (System.nanoTime() - start) / 1_000_000;
        report(who + " run " + n + ": " + ms + " ms (all 10,000 answered after " + fed.elapsedMs()
                + " ms), " + USERS * 1000L / Math.max(1, ms) + " SMS/s");
        return ms;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(Long::compare);
        return sorted.get(sorted.size() / 2);
    }

    private void report(String line) {
        report.printf("%s%n", line);
    }
}
