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
 * (target/surefire-reports/org.hermod.bench.SmppBench-output.txt) and stdout. {@link KannelBench} runs the same
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
    void emergencyToTenThousand() throws Exception {
        try (TestSmsc smsc = new TestSmsc("bench", "benchpw", 8)) {
            try (HermodSide hermod = HermodSide.start(smsc)) {
                List<Long> millis = new ArrayList<>();
                for (int run = 0; run < 3; run++) {
                    millis.add(hermod.run(run + 1, SmppBench::report));
                }
                millis.sort(Long::compare);
                long median = millis.get(1);
                report("SMPP bench (binds " + BINDS + ", window " + WINDOW + ", embedded PostgreSQL): median "
                        + median + " ms for " + USERS + " SMS = " + USERS * 1000L / median + " SMS/s; runs " + millis);
                assertThat(smsc.submitted()).hasSize(3 * USERS);
            }
        }
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
            long boundBefore = smsc.bound();
            HermodApp app = HermodApp.on(TestDatabases.postgres())
                    .with(CH + "name", "smpp1").with(CH + "host", "127.0.0.1")
                    .with(CH + "port", Integer.toString(smsc.port())).with(CH + "system-id", smsc.systemId)
                    .with(CH + "password", smsc.password).with(CH + "binds", BINDS).with(CH + "window", WINDOW)
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
            int before = smsc.submitted().size();
            long start = System.nanoTime();
            Http.Response r = app.admin().post("/api/sms", """
                    {"tenant": "default", "everyone": true, "priority": "EMERGENCY", "channel": "smpp1",
                     "text": "%s"}""".formatted(TEXT));
            long accepted = System.nanoTime();
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
            assertThat(r.json().get("queued").asInt()).isEqualTo(USERS);
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(5))
                    .until(() -> smsc.submitted().size() >= before + USERS);
            long done = System.nanoTime();
            long ms = (done - start) / 1_000_000;
            report.accept("Hermod run " + n + ": " + ms + " ms (API call " + (accepted - start) / 1_000_000 + " ms), "
                    + USERS * 1000L / Math.max(1, ms) + " SMS/s");
            await().atMost(Duration.ofMinutes(1)).until(() -> app.count(
                    "select count(*) from sms where status in ('QUEUED', 'SENDING')") == 0);
            return ms;
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
