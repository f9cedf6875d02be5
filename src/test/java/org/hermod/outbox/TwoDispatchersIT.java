package org.hermod.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.hermod.testing.HermodApp;
import org.hermod.testing.Http;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * Two Hermod instances (two Camel contexts with their own dispatchers and spools) share one PostgreSQL:
 * a 10,000-recipient emergency SMS is sent exactly once per recipient.
 */
class TwoDispatchersIT {

    @Test
    void tenThousandSmsAreEachSentExactlyOnce() throws Exception {
        String db = TestDatabases.postgres();
        try (HermodApp a = HermodApp.on(db).with("hermod.outbox.batch-size", "100").start();
             HermodApp b = HermodApp.on(db).with("hermod.outbox.batch-size", "100").start()) {
            assertThat(b.admin().put("/api/jobs/outbox-dispatch-spool", "{\"active\":false}").status()).isEqualTo(200);
            a.seedUsers(10_000, "+4522");
            Http.Response r = a.admin().post("/api/sms", "{\"tenant\":\"default\",\"everyone\":true,"
                    + "\"priority\":\"EMERGENCY\",\"text\":\"Skolen er lukket\"}");
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
            assertThat(r.json().get("queued").asInt()).isEqualTo(10_000);
            // both dispatchers start together on the full queue
            assertThat(b.admin().put("/api/jobs/outbox-dispatch-spool", "{\"active\":true}").status()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(120)).until(() ->
                    a.count("select count(*) from sms where status = 'SENT'") == 10_000);

            Set<String> fromA = files(a.spool());
            Set<String> fromB = files(b.spool());
            Set<String> both = new HashSet<>(fromA);
            both.retainAll(fromB);
            assertThat(both).as("SMS written by both dispatchers").isEmpty();
            assertThat(fromA.size() + fromB.size()).isEqualTo(10_000);
            assertThat(fromA).as("dispatcher A took part").isNotEmpty();
            assertThat(fromB).as("dispatcher B took part").isNotEmpty();
            assertThat(a.count("select count(*) from sms where attempts <> 1")).isZero();
            System.out.printf("two dispatchers: A sent %d, B sent %d, overlap %d%n", fromA.size(), fromB.size(),
                    both.size());
        }
    }

    static Set<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<String> names = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("hermod-")).toList();
            return new HashSet<>(names);
        }
    }
}
