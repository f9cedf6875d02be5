package org.hermod.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.hermod.testing.HermodApp;
import org.hermod.testing.Http;
import org.hermod.testing.TestDatabases;
import org.hermod.testing.TestSmsc;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A 10,000-recipient emergency SMS over SMPP on loopback, on embedded PostgreSQL: from the API call to the
 * last submit_sm accepted by the in-JVM jSMPP SMSC. Three runs, median printed. Run with
 * {@code mvn -q -B -o test -Dtest=SmppBench -Dsurefire.excludedGroups=none}; the figures go to the test output
 * (target/surefire-reports/org.hermod.bench.SmppBench-output.txt) and stdout. {@code -Dbench.binds}, {@code -Dbench.window},
 * {@code -Dbench.batch} and {@code -Dbench.dispatchers} change the channel. {@link KannelBench} runs the same
 * Hermod side next to Kannel against one SMSC.
 */
@Tag("bench")
class SmppBench {

    static final int USERS = 10_000;
    static final String TEXT = "Skolen er evakueret. Hent jeres børn ved hallen.";
    private static final String CH = "hermod.smpp.channels[0].";

    static final String BINDS = System.getProperty("bench.binds", "2");
    static final String WINDOW = System.getProperty("bench.window", "50");

    @Test
    void emergencyToTenThousandBesideARawClient() throws Exception {
        sideBySide(false);
    }

    @Test
    void emergencyToTenThousandWithReceiptsBesideARawClient() throws Exception {
        sideBySide(true);
    }

    /**
     * An untimed round, then three rounds, each a raw jSMPP client ({@link RawSmppClient}: same binds and window, no database) and then
     * Hermod, against one SMSC; medians and Hermod's share of the raw rate. With receipts the SMSC sends a DELIVRD
     * receipt for every submit and both sides are also timed until every receipt was taken (Hermod: every SMS
     * DELIVERED).
     */
    private void sideBySide(boolean receipts) throws Exception {
        String what = receipts ? "with receipts" : "no receipts";
        try (TestSmsc smsc = new TestSmsc("bench", "benchpw", 8)) {
            smsc.autoReceipts(receipts);
            List<String> numbers = new ArrayList<>();
            for (int i = 0; i < USERS; i++) {
                numbers.add("4521" + String.format("%06d", i));
            }
            try (HermodSide hermod = HermodSide.start(smsc, receipts);
                 RawSmppClient raw = new RawSmppClient(smsc, Integer.parseInt(BINDS), Integer.parseInt(WINDOW), 4, 10_000)) {
                List<Long> rawMillis = new ArrayList<>();
                List<Long> rawAllMillis = new ArrayList<>();
                List<Long> hermodMillis = new ArrayList<>();
                List<Long> hermodAllMillis = new ArrayList<>();
                // one untimed round first: Hermod's JIT compiles its send path during its first broadcast, which made
                // Hermod's first timed run the slowest of every series
                raw.send(numbers, TEXT, receipts);
                if (receipts) {
                    await().atMost(Duration.ofMinutes(2)).until(() -> raw.receipts() >= USERS);
                }
                hermod.run(0, receipts, line -> report(line.replace("run 0", "warm-up run")));
                for (int run = 1; run <= 3; run++) {
                    int receiptsBefore = raw.receipts();
                    long start = System.nanoTime();
                    raw.send(numbers, TEXT, receipts);
                    long submitted = System.nanoTime();
                    if (receipts) {
                        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(5))
                                .until(() -> raw.receipts() >= receiptsBefore + USERS);
                    }
                    long all = System.nanoTime();
                    rawMillis.add((submitted - start) / 1_000_000);
                    rawAllMillis.add((all - start) / 1_000_000);
                    report("raw client " + what + " run " + run + ": " + rawMillis.get(run - 1) + " ms to the last "
                            + "submit_sm_resp" + (receipts ? ", " + rawAllMillis.get(run - 1) + " ms to the last receipt" : ""));
                    long[] h = hermod.run(run, receipts, SmppBench::report);
                    hermodMillis.add(h[0]);
                    hermodAllMillis.add(h[1]);
                }
                long rawMedian = median(rawMillis);
                long hermodMedian = median(hermodMillis);
                report(String.format("SMPP bench %s (binds %s, window %s, embedded PostgreSQL), medians of 3: raw client "
                        + "%d ms, Hermod %d ms (API call to the last submit_sm accepted): Hermod reaches %d %% of the raw "
                        + "rate", what, BINDS, WINDOW, rawMedian, hermodMedian, 100 * rawMedian / hermodMedian));
                if (receipts) {
                    long rawAll = median(rawAllMillis);
                    long hermodAll = median(hermodAllMillis);
                    report(String.format("  to the last receipt: raw client %d ms, Hermod %d ms (every SMS DELIVERED): "
                            + "%d %%; receipts refused by a full receiving queue and delivered again: %d", rawAll,
                            hermodAll, 100 * rawAll / hermodAll, smsc.receiptsRefused()));
                }
                assertThat(smsc.submittedCount()).isEqualTo(8 * USERS);
            }
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        sorted.sort(Long::compare);
        return sorted.get(sorted.size() / 2);
    }

    /** Hermod on embedded PostgreSQL with 10,000 directory users and one SMPP channel to {@code smsc}. */
    static final class HermodSide implements AutoCloseable {
        private final TestSmsc smsc;
        private final HermodApp app;

        private HermodSide(TestSmsc smsc, HermodApp app) {
            this.smsc = smsc;
            this.app = app;
        }

        static HermodSide start(TestSmsc smsc) throws Exception {
            return start(smsc, false);
        }

        static HermodSide start(TestSmsc smsc, boolean receipts) throws Exception {
            long boundBefore = smsc.bound();
            HermodApp app = HermodApp.on(TestDatabases.postgres())
                    .with(CH + "name", "smpp1").with(CH + "host", "127.0.0.1")
                    .with(CH + "port", Integer.toString(smsc.port())).with(CH + "system-id", smsc.systemId)
                    .with(CH + "password", smsc.password).with(CH + "binds", BINDS).with(CH + "window", WINDOW)
                    .with(CH + "delivery-receipts", Boolean.toString(receipts))
                    .with(CH + "dispatchers", System.getProperty("bench.dispatchers", "2"))
                    .with(CH + "receive-threads", System.getProperty("bench.receive-threads", "16"))
                    .with("hermod.outbox.batch-size", System.getProperty("bench.batch", "1000"))
                    .start();
            try {
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> smsc.bound() == boundBefore + Integer.parseInt(BINDS));
                app.seedUsers(USERS, "+4520");
                return new HermodSide(smsc, app);
            } catch (RuntimeException | Error e) {
                app.close();
                throw e;
            }
        }

        HermodApp app() {
            return app;
        }

        /** One API call for everyone; returns the milliseconds until the SMSC accepted all 10,000. */
        long run(int n, java.util.function.Consumer<String> report) {
            return run(n, false, report)[0];
        }

        /**
         * One API call for everyone; returns the milliseconds until the SMSC accepted all 10,000 and, with receipts,
         * until all of them are DELIVERED.
         */
        long[] run(int n, boolean receipts, java.util.function.Consumer<String> report) {
            int before = smsc.submittedCount();
            long start = System.nanoTime();
            Http.Response r = app.admin().post("/api/sms", """
                    {"tenant": "default", "everyone": true, "priority": "EMERGENCY", "channel": "smpp1",
                     "text": "%s"}""".formatted(TEXT));
            long accepted = System.nanoTime();
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
            assertThat(r.json().get("queued").asInt()).isEqualTo(USERS);
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(5))
                    .until(() -> smsc.submittedCount() >= before + USERS);
            long done = System.nanoTime();
            long ms = (done - start) / 1_000_000;
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20)).until(() -> app.count(
                    "select count(*) from sms where status in ('QUEUED', 'SENDING'" + (receipts ? ", 'SENT'" : "") + ")") == 0);
            long all = (System.nanoTime() - start) / 1_000_000;
            report.accept("Hermod run " + n + ": " + ms + " ms (API call " + (accepted - start) / 1_000_000 + " ms), "
                    + USERS * 1000L / Math.max(1, ms) + " SMS/s" + (receipts ? ", every SMS DELIVERED after " + all + " ms" : ""));
            return new long[] {ms, all};
        }

        @Override
        public void close() {
            app.close();
        }
    }

    private static BenchReport report;

    private static synchronized void report(String line) {
        if (report == null) {
            report = new BenchReport("smpp");
        }
        report.printf("%s%n", line);
    }
}
