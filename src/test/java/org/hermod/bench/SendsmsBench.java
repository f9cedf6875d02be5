package org.hermod.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.hermod.testing.HermodApp;
import org.hermod.testing.TestSmsc;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Hermod's Kannel-compatible sendsms alone, fed as {@link KannelBench} feeds it (one GET per recipient,
 * {@code bench.kannel.concurrency} in flight, the same TestSmsc set-up), without Kannel: the quick loop for
 * profiling one side. Each run is timed from the first request to the last answer ({@code intake}) and to the
 * last submit_sm accepted ({@code total}). {@code bench.sendsms.runs} runs (default 5), {@code bench.sendsms.count}
 * requests each (default 10,000). Compare with Kannel only in KannelBench, in the same run.
 */
@Tag("bench")
class SendsmsBench {

    private static final int COUNT = Integer.getInteger("bench.sendsms.count", 10_000);
    private static final int RUNS = Integer.getInteger("bench.sendsms.runs", 5);
    private static final int CONCURRENCY = Integer.getInteger("bench.kannel.concurrency", 50);

    private final BenchReport report = new BenchReport("sendsms");

    @Test
    void sendsmsOneRequestPerSms() throws Exception {
        try (TestSmsc smsc = new TestSmsc("bench", "benchpw", 8);
             SmppBench.HermodSide hermod = SmppBench.HermodSide.start(smsc)) {
            report.printf("Hermod sendsms alone: %d requests per run, %d in flight, %s binds, window %s, embedded "
                    + "PostgreSQL%n", COUNT, CONCURRENCY, SmppBench.BINDS, SmppBench.WINDOW);
            int port = hermod.app().port();
            List<Long> intake = new ArrayList<>();
            List<Long> total = new ArrayList<>();
            for (int run = 1; run <= RUNS; run++) {
                long lastRequest = hermod.app().count("select coalesce(max(id), 0) from sms_request");
                long[] ms = feed(smsc, port, "+452" + run);
                intake.add(ms[0]);
                total.add(ms[1]);
                // the requests of one commit share their created_at
                long commits = hermod.app().count("select count(distinct created_at) from sms_request where id > ?",
                        lastRequest);
                report.printf("run %d: intake %d ms (%d requests/s), total %d ms (%d SMS/s), %d commits (%.1f requests "
                        + "per commit)%n", run, ms[0], COUNT * 1000L / Math.max(1, ms[0]), ms[1],
                        COUNT * 1000L / Math.max(1, ms[1]), commits, (double) COUNT / Math.max(1, commits));
                await().atMost(Duration.ofMinutes(1)).until(() -> hermod.app().count(
                        "select count(*) from sms where status in ('QUEUED', 'SENDING')") == 0);
            }
            long t = median(total);
            report.printf("median total %d ms = %d SMS/s (runs %s); median intake %d ms (runs %s)%n", t,
                    COUNT * 1000L / t, total, median(intake), intake);
        }
    }

    private long[] feed(TestSmsc smsc, int port, String prefix) throws Exception {
        int before = smsc.submittedCount();
        long start = System.nanoTime();
        SendsmsFeeder.Result fed = SendsmsFeeder.feed(COUNT, CONCURRENCY, i -> URI.create("http://127.0.0.1:" + port
                + "/cgi-bin/sendsms?username=" + HermodApp.ADMIN + "&password=" + enc(HermodApp.ADMIN_PASSWORD)
                + "&smsc=smpp1&from=Skolen&charset=UTF-8&to=" + enc(prefix + String.format("%06d", i)) + "&text="
                + enc(SmppBench.TEXT)));
        assertThat(fed.failures()).isEmpty();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(5))
                .until(() -> smsc.submittedCount() >= before + COUNT);
        return new long[] {fed.elapsedMs(), (System.nanoTime() - start) / 1_000_000};
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(Long::compare);
        return sorted.get(sorted.size() / 2);
    }
}
