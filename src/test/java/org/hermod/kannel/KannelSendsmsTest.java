package org.hermod.kannel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.hermod.testing.HermodApp;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Kannel's /cgi-bin/sendsms on the real app, queuing through the outbox to the spool channel. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KannelSendsmsTest {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private HermodApp app;

    @BeforeAll
    void start() {
        app = HermodApp.on(TestDatabases.h2()).start();
        assertThat(app.admin().post("/api/tenants", """
                {"id": "north", "name": "North School", "timeZone": "Europe/Copenhagen"}""").status()).isEqualTo(201);
        assertThat(app.admin().post("/api/users", """
                {"username": "legacy", "tenant": "north", "password": "legacy-password-1", "permissions": ["sms.send"]}""")
                .status()).isIn(200, 201);
        assertThat(app.admin().post("/api/users", """
                {"username": "viewer", "tenant": "north", "password": "viewer-password-1", "permissions": ["sms.view"]}""")
                .status()).isIn(200, 201);
    }

    @AfterAll
    void stop() {
        app.close();
    }

    private HttpResponse<String> get(String query) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/cgi-bin/sendsms?" + query))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void getQueuesForTheUsersTenantAndAnswersLikeKannel() throws Exception {
        HttpResponse<String> r = get("username=legacy&password=legacy-password-1&to=" + q("+4521333001 004521333002")
                + "&text=" + q("Husk madpakke æøå") + "&from=Skolen&coding=0&dlr-mask=31");
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(r.body()).isEqualTo("0: Accepted for delivery");
        await().atMost(Duration.ofSeconds(10)).until(() -> app.count(
                "select count(*) from sms where tenant_id = 'north' and status = 'SENT' and text = 'Husk madpakke æøå'") == 2);
        assertThat(app.count("select count(*) from sms where recipient = '+4521333002'")).isEqualTo(1);
    }

    /** The client's dlr-url is called back like Kannel does: 8 when the SMS left, 1 when it was delivered. */
    @Test
    void deliveryReportsAreCalledBackOnTheDlrUrl() throws Exception {
        java.util.List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/dlr", ex -> {
            calls.add(ex.getRequestURI().getQuery());
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
        try {
            String dlrUrl = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/dlr?event=%d&to=%p&id=%I";
            HttpResponse<String> r = get("username=legacy&password=legacy-password-1&to=" + q("+4521333010")
                    + "&text=" + q("Med kvittering") + "&dlr-mask=11&dlr-url=" + q(dlrUrl));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            long id = app.jdbc().query("select id from sms where recipient = '+4521333010'", rs -> rs.getLong(1)).get(0);
            await().atMost(Duration.ofSeconds(10)).until(() -> calls.size() == 1);
            assertThat(calls.get(0)).isEqualTo("event=8&to=+4521333010&id=" + id);

            app.jdbc().update("update sms set status = 'DELIVERED' where id = ?", id); // as a receipt would
            await().atMost(Duration.ofSeconds(10)).until(() -> calls.size() == 2);
            assertThat(calls.get(1)).isEqualTo("event=1&to=+4521333010&id=" + id);
            await().atMost(Duration.ofSeconds(5)).until(() -> app.count(
                    "select count(*) from kannel_dlr where sms_id = ? and done = true", id) == 1);
            assertThat(calls).hasSize(2);

            HttpResponse<String> bad = get("username=legacy&password=legacy-password-1&to=" + q("+4521333011")
                    + "&text=x&dlr-mask=99&dlr-url=" + q(dlrUrl));
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("dlr-mask");
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void postWithAFormBodyWorksToo() throws Exception {
        String form = "username=legacy&password=legacy-password-1&to=" + q("+4521333003") + "&text=" + q("Fra formular");
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                        + "/cgi-bin/sendsms")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(app.count("select count(*) from sms where text = 'Fra formular' and tenant_id = 'north'")).isEqualTo(1);
    }

    @Test
    void wrongCredentialsOrPermissionAreRefusedAndNothingIsQueued() throws Exception {
        long before = app.count("select count(*) from sms");
        HttpResponse<String> wrong = get("username=legacy&password=nope&to=4521333004&text=x");
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(wrong.body()).startsWith("Authorization failed");
        assertThat(get("to=4521333004&text=x").statusCode()).isEqualTo(403);
        assertThat(get("username=viewer&password=viewer-password-1&to=4521333004&text=x").statusCode()).isEqualTo(403);
        HttpResponse<String> noTo = get("username=legacy&password=legacy-password-1&text=x");
        assertThat(noTo.statusCode()).isEqualTo(400);
        assertThat(noTo.body()).startsWith("Missing receiver number");
        HttpResponse<String> landline = get("username=legacy&password=legacy-password-1&to=4533123456&text=x");
        assertThat(landline.statusCode()).isEqualTo(400);
        assertThat(landline.body()).contains("not a mobile number");
        assertThat(app.count("select count(*) from sms")).isEqualTo(before);
    }
}
