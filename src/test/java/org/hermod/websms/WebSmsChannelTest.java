package org.hermod.websms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.hermod.testing.HermodApp;
import org.hermod.testing.Http;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The real app sending through the websms channel to a JDK HttpServer that speaks websms.com's REST API. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebSmsChannelTest {

    private static final String CH = "hermod.websms.channels[0].";
    private static final String SECRET = "callback-secret-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the fake websms answers for one request: HTTP status and body (null: never answer). */
    record Answer(int http, String body) {
    }

    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final CountDownLatch never = new CountDownLatch(1);
    private volatile Function<JsonNode, Answer> answer;
    private HttpServer websms;
    private HermodApp app;
    private Http admin;
    private int next = 100;

    @BeforeAll
    void start() throws IOException {
        websms = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        websms.setExecutor(Executors.newCachedThreadPool());
        websms.createContext("/rest/smsmessaging/text", this::serve);
        websms.start();
        app = HermodApp.on(TestDatabases.h2())
                .with(CH + "name", "websms")
                .with(CH + "url", "http://127.0.0.1:" + websms.getAddress().getPort())
                .with(CH + "token", "tok-123")
                .with(CH + "sender-address", "Skolen")
                .with(CH + "timeout", "1s")
                .with(CH + "callback-url", "http://127.0.0.1/websms/websms/callback?secret=" + SECRET)
                .with(CH + "callback-secret", SECRET)
                .with("hermod.outbox.retry-backoff", "100ms")
                .with("hermod.outbox.retry-backoff-max", "200ms")
                .start();
        admin = app.admin();
    }

    @AfterAll
    void stop() {
        never.countDown();
        app.close();
        websms.stop(0);
    }

    private void serve(HttpExchange exchange) throws IOException {
        JsonNode body = JSON.readTree(exchange.getRequestBody());
        requests.add(body);
        authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
        Answer a = answer.apply(body);
        if (a == null) {
            try {
                never.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
            return;
        }
        byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(a.http(), out.length);
        exchange.getResponseBody().write(out);
        exchange.close();
    }

    private static Answer status(int code, String message, String transferId) {
        return new Answer(200, "{\"statusCode\":" + code + ",\"statusMessage\":\"" + message + "\""
                + (transferId == null ? "" : ",\"transferId\":\"" + transferId + "\"") + "}");
    }

    private String number() {
        return "+45211" + String.format("%05d", next++);
    }

    /** The {@code channel:websms} entry of /observe/health. */
    private JsonNode channelHealth() {
        Http.Response health = Http.anonymous(app.port()).get("/observe/health");
        for (JsonNode c : health.json().get("checks")) {
            if (c.get("name").asText().equals("channel:websms")) {
                return c;
            }
        }
        throw new AssertionError("no channel:websms in " + health.raw());
    }

    @Test
    void anOutageShowsInTheErrorLogTheJobStatisticsAndHealthUntilItEnds() {
        answer = body -> new Answer(503, "{}");
        long errorsBefore = admin.get("/api/jobs/outbox-dispatch-websms").json().get("errorCount").asLong();
        String to = number();
        send(to, "Udfald");
        await().atMost(Duration.ofSeconds(15)).until(() -> admin.get("/api/errors?max=50").raw()
                .contains("Channel websms: none of"));
        assertThat(admin.get("/api/jobs/outbox-dispatch-websms").json().get("errorCount").asLong())
                .as("the outage counts as job errors").isGreaterThan(errorsBefore);
        JsonNode down = channelHealth();
        assertThat(down.get("status").asText()).as(down.toString()).isEqualTo("DOWN");
        assertThat(down.toString()).contains("has sent nothing since").contains("503");

        answer = body -> status(2000, "OK", "t-" + body.get("clientMessageId").asText());
        awaitStatus(to, "SENT");
        await().atMost(Duration.ofSeconds(10)).until(() -> channelHealth().get("status").asText().equals("UP"));
    }

    private void send(String to, String text) {
        Http.Response r = admin.post("/api/sms", """
                {"tenant": "default", "channel": "websms", "to": ["%s"], "text": "%s"}""".formatted(to, text));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }

    private JsonNode sms(String to) {
        return admin.get("/api/sms?recipient=" + to.substring(1)).json().get(0);
    }

    private JsonNode awaitStatus(String to, String status) {
        await().atMost(Duration.ofSeconds(15)).until(() -> sms(to).get("status").asText().equals(status));
        return sms(to);
    }

    private List<JsonNode> requestsFor(String to) {
        return requests.stream().filter(r -> r.get("recipientAddressList").get(0).asText().equals(to.substring(1))).toList();
    }

    @Test
    void successStoresTheTransferIdAndSendsTheDocumentedRequest() {
        String to = number();
        answer = b -> status(2000, "OK", "t-" + b.get("recipientAddressList").get(0).asText());
        send(to, "Skolen er lukket");
        JsonNode sms = awaitStatus(to, "SENT");
        assertThat(sms.get("providerId").asText()).isEqualTo("t-" + to.substring(1));
        JsonNode req = requestsFor(to).get(0);
        assertThat(req.get("messageContent").asText()).isEqualTo("Skolen er lukket");
        assertThat(req.get("senderAddress").asText()).isEqualTo("Skolen");
        assertThat(req.get("test").asBoolean()).isFalse();
        assertThat(req.get("maxSmsPerMessage").asInt()).isEqualTo(6);
        assertThat(req.get("validityPeriode").asLong()).isEqualTo(3 * 24 * 3600);
        assertThat(req.get("notificationCallbackUrl").asText()).contains("/websms/websms/callback");
        assertThat(authorizations.get(authorizations.size() - 1)).isEqualTo("Bearer tok-123");
    }

    @Test
    void queuedIsSentProviderErrorsFailAndThrottlingRetries() {
        String queued = number();
        String tooLong = number();
        String invalid = number();
        String throttled = number();
        int[] throttles = {0};
        answer = b -> {
            String n = "+" + b.get("recipientAddressList").get(0).asText();
            if (n.equals(queued)) {
                return status(2001, "queued", "q1");
            }
            if (n.equals(tooLong)) {
                return status(4026, "too many parts", null);
            }
            if (n.equals(invalid)) {
                return status(4001, "invalid recipient", null);
            }
            return throttles[0]++ < 2 ? status(4023, "throttled", null) : status(2000, "OK", "th1");
        };
        send(queued, "a");
        send(tooLong, "b");
        send(invalid, "c");
        send(throttled, "d");
        assertThat(awaitStatus(queued, "SENT").get("providerId").asText()).isEqualTo("q1");
        assertThat(awaitStatus(tooLong, "FAILED").get("error").asText()).contains("4026");
        assertThat(awaitStatus(invalid, "FAILED").get("error").asText()).contains("4001 invalid recipient");
        JsonNode ok = awaitStatus(throttled, "SENT");
        assertThat(ok.get("attempts").asInt()).isEqualTo(3);
    }

    @Test
    void http5xxAndTimeoutsAreRetried() {
        String flaky = number();
        String slow = number();
        int[] calls = {0, 0};
        answer = b -> {
            String n = "+" + b.get("recipientAddressList").get(0).asText();
            if (n.equals(flaky)) {
                return calls[0]++ == 0 ? new Answer(503, "busy") : calls[0] == 2 ? status(5000, "internal", null)
                        : status(2000, "OK", "f1");
            }
            return calls[1]++ == 0 ? null : status(2000, "OK", "s1");
        };
        send(flaky, "e");
        send(slow, "f");
        assertThat(awaitStatus(flaky, "SENT").get("attempts").asInt()).isEqualTo(3);
        JsonNode s = awaitStatus(slow, "SENT");
        assertThat(s.get("attempts").asInt()).isEqualTo(2);
        assertThat(requestsFor(slow)).hasSize(2);
    }

    @Test
    void callbacksNeedTheSecretAndAreIdempotent() {
        String to = number();
        answer = b -> status(2000, "OK", "cb-1");
        send(to, "g");
        awaitStatus(to, "SENT");
        Http anon = app.anonymous();
        String report = """
                {"messageType":"deliveryReport","notificationId":"n1","transferId":"cb-1",
                 "deliveryReportMessageStatus":"delivered","senderAddress":"%s"}""".formatted(to.substring(1));
        assertThat(anon.post("/websms/websms/callback", report).status()).isEqualTo(401);
        assertThat(anon.post("/websms/websms/callback?secret=wrong", report).status()).isEqualTo(403);
        assertThat(sms(to).get("status").asText()).isEqualTo("SENT");

        Http.Response ok = anon.post("/websms/websms/callback?secret=" + SECRET, report);
        assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
        assertThat(ok.json().get("statusCode").asInt()).isEqualTo(2000);
        JsonNode delivered = awaitStatus(to, "DELIVERED");
        assertThat(anon.post("/websms/websms/callback?secret=" + SECRET, report).status()).isEqualTo(200);
        assertThat(anon.post("/websms/websms/callback?secret=" + SECRET,
                report.replace("delivered", "undelivered")).status()).isEqualTo(200);
        assertThat(sms(to)).isEqualTo(delivered);

        String incoming = """
                {"messageType":"text","notificationId":"n2","messageId":"m-77","senderAddress":"4521999111",
                 "recipientAddress":"4312345","recipientAddressType":"national","senderAddressType":"international",
                 "textMessageContent":"Ida er syg i dag"}""";
        assertThat(anon.post("/websms/websms/callback?secret=wrong", incoming).status()).isEqualTo(403);
        assertThat(app.count("select count(*) from inbound_sms")).isZero();
        assertThat(anon.post("/websms/websms/callback?secret=" + SECRET, incoming).status()).isEqualTo(200);
        assertThat(anon.post("/websms/websms/callback?secret=" + SECRET, incoming).status()).isEqualTo(200);
        assertThat(app.count("select count(*) from inbound_sms where channel = 'websms' and provider_id = 'm-77' "
                + "and sender = '+4521999111' and text = 'Ida er syg i dag'")).isEqualTo(1);
        assertThat(app.count("select count(*) from inbound_sms")).isEqualTo(1);
    }

    @Test
    void aReportBeforeTheTransferIdIsStoredIsKeptAndApplied() {
        String to = number();
        CountDownLatch reported = new CountDownLatch(1);
        answer = b -> {
            // the provider's callback overtakes its own answer
            Http.Response r = app.anonymous().post("/websms/websms/callback?secret=" + SECRET, """
                    {"messageType":"deliveryReport","transferId":"early-1","deliveryReportMessageStatus":"undelivered"}""");
            assertThat(r.status()).isEqualTo(200);
            reported.countDown();
            return status(2000, "OK", "early-1");
        };
        send(to, "h");
        JsonNode failed = awaitStatus(to, "FAILED");
        assertThat(failed.get("error").asText()).isEqualTo("websms report: undelivered");
        assertThat(app.count("select count(*) from pending_report")).isZero();
    }
}
