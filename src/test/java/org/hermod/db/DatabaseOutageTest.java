package org.hermod.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hermod.testing.HermodApp;
import org.hermod.testing.Http;
import org.hermod.testing.TcpProxy;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * The database goes silent under a running Hermod (PostgreSQL behind a TCP link that stops passing bytes, as when
 * its host vanishes): the API answers a clear 503 within seconds instead of hanging, health and metrics answer within
 * a second and health says the database is down, and once the link is back everything works again. Before, the API
 * answered an empty 500 after 61 s and metrics did not answer within 150 s.
 */
class DatabaseOutageTest {

    @Test
    void aSilentDatabaseGivesAFast503AndHealthAndMetricsStillAnswer() throws Exception {
        String direct = TestDatabases.postgres();
        Matcher m = Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/(.*)").matcher(direct);
        assertThat(m.matches()).as(direct).isTrue();
        try (TcpProxy link = new TcpProxy(m.group(1), Integer.parseInt(m.group(2)));
             HermodApp app = HermodApp.on("jdbc:postgresql://127.0.0.1:" + link.port() + "/" + m.group(3))
                     .with("hermod.db.connection-timeout", "1s")
                     .with("hermod.db.socket-timeout", "3s")
                     .start()) {
            Http admin = app.admin();
            Http anonymous = Http.anonymous(app.port());
            assertThat(admin.get("/api/sms").status()).isEqualTo(200);

            link.hang();
            long start = System.nanoTime();
            Http.Response during = admin.get("/api/sms");
            long apiMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(during.status()).as(during.toString()).isEqualTo(503);
            assertThat(during.json().get("error").asText()).contains("database is not reachable");
            assertThat(apiMillis).as("the API answers instead of hanging").isLessThan(10_000);
            // Kannel's sendsms is served outside the API's Camel routes (SendsmsEndpoint): the same fast 503
            start = System.nanoTime();
            Http.Response sendsms = anonymous.get("/cgi-bin/sendsms?username=" + HermodApp.ADMIN + "&password="
                    + java.net.URLEncoder.encode(HermodApp.ADMIN_PASSWORD, java.nio.charset.StandardCharsets.UTF_8)
                    + "&to=4521000001&text=x");
            long sendsmsMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(sendsms.status()).as(sendsms.toString()).isEqualTo(503);
            assertThat(sendsms.raw()).contains("database is not reachable");
            assertThat(sendsmsMillis).as("sendsms answers instead of hanging").isLessThan(10_000);

            await().atMost(Duration.ofSeconds(15)).until(() -> anonymous.get("/observe/health").raw().contains("DOWN"));
            for (String path : new String[] {"/observe/health", "/observe/metrics"}) {
                long t = System.nanoTime();
                Http.Response r = anonymous.get(path);
                assertThat((System.nanoTime() - t) / 1_000_000).as(path + " answers within a second").isLessThan(1_000);
                assertThat(r.status()).as(path).isIn(200, 503);
            }
            assertThat(anonymous.get("/observe/health").raw()).contains("database");

            link.restore();
            await().atMost(Duration.ofSeconds(30)).until(() -> admin.get("/api/sms").status() == 200);
            await().atMost(Duration.ofSeconds(10)).until(() -> !anonymous.get("/observe/health").raw().contains("DOWN"));
            System.out.printf("database outage: API answered %d in %d ms%n", during.status(), apiMillis);
        }
    }
}
