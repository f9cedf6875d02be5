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
        // the callback receivers are JDK HttpServers on loopback, which a dlr-url may reach only when allowed
        app = HermodApp.on(TestDatabases.h2()).with("hermod.kannel.dlr-allowed-hosts", "127.0.0.1").start();
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

    /** A dlr receiver on a free port that records the raw query of every call. */
    private static final class Receiver implements AutoCloseable {
        final java.util.List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        final com.sun.net.httpserver.HttpServer server;

        Receiver() throws IOException {
            server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", ex -> {
                calls.add(ex.getRequestURI().getRawPath() + "?" + ex.getRequestURI().getRawQuery());
                ex.sendResponseHeaders(200, -1);
                ex.close();
            });
            server.start();
        }

        String url(String pathAndQuery) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery;
        }

        java.util.List<String> to(String path) {
            return calls.stream().filter(c -> c.startsWith(path + "?")).toList();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /**
     * Every escape of Kannel's list is filled, or emptied as Kannel empties it, and one Kannel does not know stays
     * as text: the URL is still called (before, %P made it unparseable and the callback was lost after a 202).
     */
    @Test
    void everyKannelEscapeIsFilledAndTheCallbackArrives() throws Exception {
        try (Receiver receiver = new Receiver()) {
            String dlrUrl = receiver.url("/all?d=%d&p=%p&q=%q&P=%P&Q=%Q&i=%i&I=%I&n=%n&A=%A&k=%k&F=%F&c=%c&C=%C"
                    + "&B=%B&D=%D&u=%u&o=%o&O=%O&f=%f&m=%m&R=%R&x=%Z&pct=%%25&t=%T");
            HttpResponse<String> r = get("username=legacy&password=legacy-password-1&from=Skolen&to=" + q("004521333020")
                    + "&text=" + q("Alle koder") + "&dlr-mask=8&dlr-url=" + q(dlrUrl));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            long id = app.jdbc().query("select id from sms where recipient = '+4521333020'", rs -> rs.getLong(1)).get(0);
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.to("/all").size() == 1);
            String call = receiver.to("/all").get(0);
            assertThat(call).startsWith("/all?d=8&p=%2B4521333020&q=%2B4521333020&P=Skolen&Q=Skolen&i=spool&I=" + id
                    + "&n=legacy&A=ACK%2F&k=ACK%2F&F=hermod-" + id + "&c=-1&C=UTF-8&B=&D=&u=&o=&O=00&f=&m=-1&R="
                    + KannelEscapes.encode(dlrUrl) + "&x=%25Z&pct=%25&t=");
            long t = Long.parseLong(call.substring(call.lastIndexOf("&t=") + 3));
            assertThat(t).isBetween(java.time.Instant.now().getEpochSecond() - 60, java.time.Instant.now().getEpochSecond());
        }
    }

    /** As in Kannel, a dlr-url without a dlr-mask asks for no callback (before, it meant every event). */
    @Test
    void aDlrUrlWithoutADlrMaskAsksForNothing() throws Exception {
        try (Receiver receiver = new Receiver()) {
            assertThat(get("username=legacy&password=legacy-password-1&to=" + q("+4521333021") + "&text=nomask"
                    + "&dlr-url=" + q(receiver.url("/nomask?d=%d"))).statusCode()).isEqualTo(202);
            assertThat(get("username=legacy&password=legacy-password-1&to=" + q("+4521333022") + "&text=mask8"
                    + "&dlr-mask=8&dlr-url=" + q(receiver.url("/mask8?d=%d"))).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.to("/mask8").size() == 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> app.count(
                    "select count(*) from sms where recipient = '+4521333021' and status = 'SENT'") == 1);
            assertThat(app.count("select count(*) from kannel_dlr d join sms s on s.id = d.sms_id "
                    + "where s.recipient = '+4521333021'")).isZero();
            assertThat(receiver.to("/nomask")).isEmpty();
        }
    }

    @Test
    void aDlrUrlThatCannotBeCalledIsRefusedBeforeAnythingIsQueued() throws Exception {
        HttpResponse<String> r = get("username=legacy&password=legacy-password-1&to=" + q("+4521333023") + "&text=x"
                + "&dlr-mask=8&dlr-url=" + q("http://[::1/dlr?d=%d"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("dlr-url");
        assertThat(app.count("select count(*) from sms where recipient = '+4521333023'")).isZero();
    }

    /** The text's bytes are decoded with the given charset (before: ISO-8859-1 arrived as U+FFFD). */
    @Test
    void theTextIsDecodedWithItsCharset() throws Exception {
        assertThat(get("username=legacy&password=legacy-password-1&to=004521333040&text=Bl%E5b%E6r+gr%F8d"
                + "&charset=ISO-8859-1").statusCode()).isEqualTo(202);
        assertThat(get("username=legacy&password=legacy-password-1&to=004521333041&text=%00%E6%00%F8%00%E5"
                + "&coding=2").statusCode()).isEqualTo(202);
        assertThat(get("username=legacy&password=legacy-password-1&to=004521333042&text=%E6%F8%E5"
                + "&charset=windows-1252&coding=2").statusCode()).isEqualTo(202);
        assertThat(app.jdbc().query("select text from sms where recipient in ('+4521333040', '+4521333041', "
                + "'+4521333042') order by recipient", rs -> rs.getString(1))).containsExactly("Blåbær grød", "æøå", "æøå");
        HttpResponse<String> bad = get("username=legacy&password=legacy-password-1&to=004521333043&text=%E6");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("text").contains("UTF-8").contains("charset");
        assertThat(get("username=legacy&password=legacy-password-1&to=004521333043&text=x&charset=nonesuch").body())
                .contains("charset");
        assertThat(app.count("select count(*) from sms where recipient = '+4521333043'")).isZero();
    }

    /** Kannel's own POST: X-Kannel-* headers and the text as a text/plain body in its charset (before: 403). */
    @Test
    void kannelsPostWithXKannelHeadersIsAccepted() throws Exception {
        try (Receiver receiver = new Receiver()) {
            HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                            + "/cgi-bin/sendsms")).header("X-Kannel-Username", "legacy")
                    .header("X-Kannel-Password", "legacy-password-1").header("X-Kannel-To", "+4521333050 004521333051")
                    .header("X-Kannel-From", "Skolen").header("X-Kannel-DLR-Mask", "8")
                    .header("X-Kannel-DLR-Url", receiver.url("/xk?d=%d&p=%p&P=%P"))
                    .header("Content-Type", "text/plain; charset=ISO-8859-1")
                    .POST(HttpRequest.BodyPublishers.ofByteArray("Hej fra Kannel æøå".getBytes(StandardCharsets.ISO_8859_1)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            assertThat(app.count("select count(*) from sms where text = 'Hej fra Kannel æøå' and tenant_id = 'north'"))
                    .isEqualTo(2);
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.to("/xk").size() == 2);
            assertThat(receiver.to("/xk")).containsExactlyInAnyOrder("/xk?d=8&p=%2B4521333050&P=Skolen",
                    "/xk?d=8&p=%2B4521333051&P=Skolen");
        }
    }

    /** The X-Kannel credentials count only as real headers of a POST, never as query parameters or on GET. */
    @Test
    void xKannelCredentialsAreReadOnlyFromRealPostHeaders() throws Exception {
        long before = app.count("select count(*) from sms");
        String asQuery = "X-Kannel-Username=legacy&X-Kannel-Password=legacy-password-1&X-Kannel-To=4521333052";
        HttpResponse<String> post = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                        + "/cgi-bin/sendsms?" + asQuery)).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(403);
        HttpResponse<String> getWithHeaders = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + app.port() + "/cgi-bin/sendsms?to=4521333052&text=x")).header("X-Kannel-Username", "legacy")
                .header("X-Kannel-Password", "legacy-password-1").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(getWithHeaders.statusCode()).isEqualTo(403);
        assertThat(app.count("select count(*) from sms")).isEqualTo(before);
    }

    /** udh cannot be carried through the outbox: refused, naming the parameter, never silently dropped. */
    @Test
    void aRequestWithUdhIsRefusedAndNothingIsQueued() throws Exception {
        HttpResponse<String> r = get("username=legacy&password=legacy-password-1&to=004521333053&text=x"
                + "&udh=%06%05%04%0B%84%23%F0");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).startsWith("udh: is not supported");
        assertThat(app.count("select count(*) from sms where recipient = '+4521333053'")).isZero();
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
    void aFormBodyInLatin1IsDecodedWithItsCharsetAndAnOversizedBodyIsRefused() throws Exception {
        // "Hilsen fra Ærø" in ISO-8859-1: Æ is %C6, ø is %F8 (in UTF-8 they would be two bytes each)
        String form = "username=legacy&password=legacy-password-1&charset=ISO-8859-1&to=" + q("+4521333005")
                + "&text=Hilsen+fra+%C6r%F8";
        HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                        + "/cgi-bin/sendsms")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(app.count("select count(*) from sms where text = 'Hilsen fra \u00c6r\u00f8' and recipient = "
                + "'+4521333005'")).isEqualTo(1);

        String huge = "username=legacy&password=legacy-password-1&to=4521333006&text=" + "x".repeat(300 * 1024);
        HttpResponse<String> tooLarge = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                        + "/cgi-bin/sendsms")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(huge)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(app.count("select count(*) from sms where recipient = '+4521333006'")).isZero();
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
