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
 * (target/surefire-reports/org.hermod.bench.SmppBench-output.txt) and stdout.
 */
@Tag("bench")
class SmppBench {

    private static final int USERS = 10_000;
    private static final String CH = "hermod.smpp.channels[0].";

    @Test
    void emergencyToTenThousand() throws Exception {
        String binds = System.getProperty("bench.binds", "2");
        String window = System.getProperty("bench.window", "50");
        try (TestSmsc smsc = new TestSmsc("bench", "benchpw", 8)) {
            HermodApp app = HermodApp.on(TestDatabases.postgres())
                    .with(CH + "name", "smpp1").with(CH + "host", "127.0.0.1")
                    .with(CH + "port", Integer.toString(smsc.port())).with(CH + "system-id", "bench")
                    .with(CH + "password", "benchpw").with(CH + "binds", binds).with(CH + "window", window)
                    .with("hermod.outbox.batch-size", System.getProperty("bench.batch", "1000"))
                    .start();
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> smsc.bound() == Integer.parseInt(binds));
                app.seedUsers(USERS, "+4520");
                Http admin = app.admin();
                List<Long> millis = new ArrayList<>();
                for (int run = 0; run < 3; run++) {
                    int before = smsc.submitted().size();
                    long start = System.nanoTime();
                    Http.Response r = admin.post("/api/sms", """
                            {"tenant": "default", "everyone": true, "priority": "EMERGENCY", "channel": "smpp1",
                             "text": "Skolen er evakueret. Hent jeres børn ved hallen."}""");
                    long accepted = System.nanoTime();
                    assertThat(r.status()).as(r.toString()).isEqualTo(201);
                    assertThat(r.json().get("queued").asInt()).isEqualTo(USERS);
                    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(5))
                            .until(() -> smsc.submitted().size() >= before + USERS);
                    long done = System.nanoTime();
                    millis.add((done - start) / 1_000_000);
                    report("run " + (run + 1) + ": " + (done - start) / 1_000_000 + " ms (API call "
                            + (accepted - start) / 1_000_000 + " ms), " + USERS * 1000L / Math.max(1, (done - start) / 1_000_000)
                            + " SMS/s");
                    await().atMost(Duration.ofMinutes(1)).until(() -> app.count(
                            "select count(*) from sms where status in ('QUEUED', 'SENDING')") == 0);
                }
                millis.sort(Long::compare);
                long median = millis.get(1);
                report("SMPP bench (binds " + binds + ", window " + window + ", embedded PostgreSQL): median "
                        + median + " ms for " + USERS + " SMS = " + USERS * 1000L / median + " SMS/s; runs " + millis);
                assertThat(smsc.submitted()).hasSize(3 * USERS);
            } finally {
                app.close();
            }
        }
    }

    private static final BenchReport REPORT = new BenchReport("smpp");

    private static void report(String line) {
        REPORT.printf("%s%n", line);
    }
}
