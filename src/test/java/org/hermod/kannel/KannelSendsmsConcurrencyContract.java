package org.hermod.kannel;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.hermod.testing.HermodApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Many sendsms requests at once, as Kannel's senders make them (one per SMS), are committed together
 * (GroupCommit): each answered 202 only once its SMS is stored, each stored exactly once with its own delivery
 * report callback row, and a bad request among them fails alone, whether it fails its checks (never joins a group)
 * or fails inside the group's transaction (its dlr row cannot be stored: a {@code from} longer than the 32
 * characters kept for %P). Real HTTP against the booted application; spool channel; H2 and PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class KannelSendsmsConcurrencyContract {

    private static final int GOOD = 120;
    private static final int IN_FLIGHT = 40;
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private HermodApp app;

    abstract String databaseUrl();

    @BeforeAll
    void start() {
        // its dlr-urls point at this machine; loopback is refused unless allowed (DlrUrlPolicy)
        app = HermodApp.on(databaseUrl()).with("hermod.kannel.dlr-allowed-hosts", "127.0.0.1").start();
        assertThat(app.admin().post("/api/tenants", """
                {"id": "north", "name": "North School", "timeZone": "Europe/Copenhagen"}""").status()).isEqualTo(201);
        assertThat(app.admin().post("/api/users", """
                {"username": "legacy", "tenant": "north", "password": "legacy-password-1", "permissions": ["sms.send"]}""")
                .status()).isIn(200, 201);
    }

    @AfterAll
    void stop() {
        app.close();
    }

    @Test
    void concurrentRequestsAreEachStoredOnceWithTheirOwnDlrRowAndABadOneFailsAlone() throws Exception {
        List<Callable<HttpResponse<String>>> requests = new ArrayList<>();
        for (int i = 0; i < GOOD; i++) {
            String number = String.format("+45213%05d", i);
            requests.add(send(number, "Request " + i, "http://127.0.0.1:9/dlr?n=" + i + "&e=%d", "Skolen"));
            if (i % 40 == 20) { // among the good ones, not first or last
                requests.add(send("+4521399999", "fails inside the group's transaction",
                        "http://127.0.0.1:9/dlr?n=bad&e=%d", "S".repeat(40)));
                requests.add(sendTo("+4521399998", "fails its checks", "&smsc=nosuchchannel"));
            }
        }
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(IN_FLIGHT);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try {
            for (Callable<HttpResponse<String>> r : requests) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return r.call();
                }));
            }
            go.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<HttpResponse<String>> a : answers) {
                statuses.add(a.get(60, TimeUnit.SECONDS).statusCode());
            }
            assertThat(statuses.stream().filter(s -> s == 202).count()).as(statuses.toString()).isEqualTo(GOOD);
            assertThat(statuses.stream().filter(s -> s == 500).count()).as("inside the transaction").isEqualTo(3);
            assertThat(statuses.stream().filter(s -> s == 400).count()).as("failed its checks").isEqualTo(3);
        } finally {
            pool.shutdownNow();
        }

        // each good request: one request row, one SMS, one dlr row, and the dlr row is that request's own
        assertThat(app.count("select count(*) from sms_request where tenant_id = 'north'")).isEqualTo(GOOD);
        assertThat(app.count("select count(*) from sms where tenant_id = 'north'")).isEqualTo(GOOD);
        assertThat(app.count("select count(distinct recipient) from sms where tenant_id = 'north'")).isEqualTo(GOOD);
        assertThat(app.count("select count(*) from kannel_dlr d join sms s on s.id = d.sms_id "
                + "where s.tenant_id = 'north'")).isEqualTo(GOOD);
        List<Map.Entry<String, String>> pairs = app.jdbc().query("select s.recipient, s.text, d.url from sms s "
                + "join kannel_dlr d on d.sms_id = s.id where s.tenant_id = 'north'",
                rs -> Map.entry(rs.getString(1) + " " + rs.getString(2), rs.getString(3)));
        for (Map.Entry<String, String> p : pairs) {
            int n = Integer.parseInt(p.getKey().substring(p.getKey().lastIndexOf(' ') + 1));
            assertThat(p.getKey()).isEqualTo(String.format("+45213%05d", n) + " Request " + n);
            assertThat(p.getValue()).isEqualTo("http://127.0.0.1:9/dlr?n=" + n + "&e=%d");
        }
        // the bad ones left nothing behind
        assertThat(app.count("select count(*) from sms where recipient in ('+4521399999', '+4521399998')")).isZero();
        // several requests shared a commit (they share created_at): the point of committing them together
        assertThat(app.count("select count(distinct created_at) from sms_request where tenant_id = 'north'"))
                .isLessThan(GOOD);
    }

    private Callable<HttpResponse<String>> send(String to, String text, String dlrUrl, String from) {
        return sendTo(to, text, "&dlr-mask=31&dlr-url=" + q(dlrUrl) + "&from=" + q(from));
    }

    private Callable<HttpResponse<String>> sendTo(String to, String text, String more) {
        URI uri = URI.create("http://127.0.0.1:" + app.port() + "/cgi-bin/sendsms?username=legacy"
                + "&password=legacy-password-1&to=" + q(to) + "&text=" + q(text) + more);
        return () -> CLIENT.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
