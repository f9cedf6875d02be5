package org.hermod.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.hermod.testing.HermodApp;
import org.hermod.testing.Http;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The outbox through the real admin API over HTTP, on a real database: run on H2 and on embedded
 * PostgreSQL by the two subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OutboxApiContract {

    private HermodApp app;
    private Http admin;

    abstract String databaseUrl();

    @BeforeAll
    void start() {
        app = HermodApp.on(databaseUrl()).with("hermod.outbox.max-segments", "3")
                .with("hermod.outbox.fixed-text", "-- Hermod School").start();
        admin = app.admin();
        Http.Response users = admin.post("/api/directory/users", """
                {"tenant": "default", "users": [
                  {"sisId": "s1", "account": "anna", "mobile": "20 11 22 33"},
                  {"sisId": "s2", "account": "bo", "mobile": "+45 30 11 22 33"},
                  {"sisId": "s3", "account": "carl", "mobile": "+4520112233"},
                  {"sisId": "s4", "account": "dina", "mobile": "+45 20 99 88 77", "endDate": "2020-06-30"},
                  {"sisId": "s5", "account": "eva"},
                  {"sisId": "s6", "account": "finn", "mobile": "33 12 34 56"}
                ]}""");
        assertThat(users.status()).as(users.toString()).isEqualTo(200);
        assertThat(admin.post("/api/directory/groups", """
                {"tenant": "default", "sisId": "7a", "name": "7.a", "kind": "CLASS",
                 "members": ["s1", "s2", "s3", "s4", "s5", "s6"]}""").status()).isEqualTo(200);
    }

    @AfterAll
    void stop() {
        app.close();
    }

    @Test
    void smsToNumbersEndsAsSmstoolsSpoolFiles() throws Exception {
        Http.Response r = admin.post("/api/sms", """
                {"tenant": "default", "to": ["+45 21 00 00 01", "0045 21000002"], "text": "Skolen er lukket i morgen"}""");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().get("queued").asInt()).isEqualTo(2);
        assertThat(r.json().get("encoding").asText()).isEqualTo("GSM7");
        long requestId = r.json().get("requestId").asLong();

        List<JsonNode> sms = awaitStatus(requestId, "SENT", 2);
        JsonNode first = sms.stream().filter(s -> s.get("recipient").asText().equals("+4521000001")).findFirst().orElseThrow();
        Path file = app.spool().resolve(first.get("providerId").asText());
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(
                "To: 4521000001\nAlphabet: UTF-8\n\nSkolen er lukket i morgen\n-- Hermod School");
        assertThat(first.get("sentAt")).isNotNull();
    }

    @Test
    void ucs2TextIsWrittenAsUtf16WithAlphabetHeader() throws Exception {
        Http.Response r = admin.post("/api/sms", """
                {"tenant": "default", "to": ["+4521000003"], "text": "Zażółć gęślą jaźń", "priority": "EMERGENCY"}""");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().get("encoding").asText()).isEqualTo("UCS2");
        JsonNode sms = awaitStatus(r.json().get("requestId").asLong(), "SENT", 1).get(0);
        byte[] file = Files.readAllBytes(app.spool().resolve(sms.get("providerId").asText()));
        String head = "To: 4521000003\nAlphabet: UCS2\nPriority: HIGH\n\n";
        assertThat(new String(file, 0, head.length(), StandardCharsets.US_ASCII)).isEqualTo(head);
        assertThat(new String(file, head.length(), file.length - head.length(), StandardCharsets.UTF_16BE))
                .isEqualTo("Zażółć gęślą jaźń\n-- Hermod School");
    }

    @Test
    void dryRunShowsRecipientsEncodingAndSegmentsAndStoresNothing() {
        long before = app.count("select count(*) from sms");
        Http.Response r = admin.post("/api/sms", """
                {"tenant": "default", "groups": ["7a"], "text": "%s", "dryRun": true}""".formatted("x".repeat(150)));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("dryRun").asBoolean()).isTrue();
        assertThat(r.json().get("segments").asInt()).isEqualTo(2); // 150 + newline + 16 fixed text > 160
        assertThat(r.json().get("encoding").asText()).isEqualTo("GSM7");
        // s1 and s3 share a number: one SMS; s4 ended; s5 no mobile; s6 a landline
        assertThat(r.json().get("recipients")).hasSize(2);
        assertThat(r.json().get("queued").asInt()).isEqualTo(2);
        assertThat(r.json().get("skipped").toString()).contains("ended on 2020-06-30").contains("no mobile number");
        assertThat(r.json().get("rejected").toString()).contains("not a mobile number in DK");
        assertThat(app.count("select count(*) from sms")).isEqualTo(before);
    }

    @Test
    void groupSendQueuesMembersAndRecordsRejectedNumbersAsFailed() {
        Http.Response r = admin.post("/api/sms", """
                {"tenant": "default", "groups": ["7a"], "text": "Forældremøde tirsdag"}""");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        long requestId = r.json().get("requestId").asLong();
        awaitStatus(requestId, "SENT", 2);
        List<JsonNode> failed = list("/api/sms?status=FAILED&limit=1000").stream()
                .filter(s -> s.get("requestId").asLong() == requestId).toList();
        assertThat(failed).hasSize(1);
        assertThat(failed.get(0).get("error").asText()).contains("user s6").contains("not a mobile number");
    }

    @Test
    void everyoneIsAnEmergencyBroadcastToEveryCurrentUser() {
        Http.Response r = admin.post("/api/sms", """
                {"tenant": "default", "everyone": true, "priority": "EMERGENCY", "text": "Skolen er evakueret"}""");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().get("queued").asInt()).isEqualTo(2);
        awaitStatus(r.json().get("requestId").asLong(), "SENT", 2);
    }

    @Test
    void badInputIsRejectedWithTheFieldNamed() {
        assertBad("{\"tenant\":\"default\",\"to\":[\"+4521000001\",\"12ab34\"],\"text\":\"x\"}", "to[1]", "not a phone number");
        assertBad("{\"tenant\":\"default\",\"to\":[\"+45 33 12 34 56\"],\"text\":\"x\"}", "to[0]", "not a mobile number in DK");
        assertBad("{\"tenant\":\"default\",\"to\":[\"+4521\"],\"text\":\"x\"}", "to[0]", "digits");
        assertBad("{\"tenant\":\"default\",\"to\":[\"+4521000001\"],\"text\":\"  \"}", "text", "must not be empty");
        assertBad("{\"tenant\":\"default\",\"to\":[\"+4521000001\"],\"text\":\"" + "y".repeat(470) + "\"}",
                "text", "needs 4 SMS segments");
        assertBad("{\"tenant\":\"default\",\"groups\":[\"7a\",\"9z\"],\"text\":\"x\"}", "groups[1]", "unknown group '9z'");
        assertBad("{\"tenant\":\"default\",\"users\":[\"nobody\"],\"text\":\"x\"}", "users[0]", "unknown user");
        assertBad("{\"tenant\":\"default\",\"text\":\"x\"}", "to", "no recipients");
        assertBad("{\"tenant\":\"default\",\"to\":[\"+4521000001\"],\"text\":\"x\",\"priority\":\"URGENT\"}",
                "priority", "must be one of");
        assertBad("{\"tenant\":\"default\",\"to\":[\"+4521000001\"],\"text\":\"x\",\"sendBefore\":\"2000-01-01T00:00:00Z\"}",
                "sendBefore", "in the past");
        assertBad("{\"tenant\":\"default\",\"to\":\"+4521000001\",\"text\":\"x\"}", "to", "array");
        assertBad("{\"tenant\":\"nowhere\",\"to\":[\"+4521000001\"],\"text\":\"x\"}", "tenant", "unknown tenant");
        assertBad("{not json", "body", "not valid JSON");
    }

    private void assertBad(String body, String field, String message) {
        Http.Response r = admin.post("/api/sms", body);
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().get("field").asText()).as(r.toString()).isEqualTo(field);
        assertThat(r.json().get("error").asText()).contains(message);
    }

    @Test
    void queuedSmsCanBeCancelledAndSentSmsResent() {
        String later = Instant.now().plus(Duration.ofHours(2)).toString();
        Http.Response r = admin.post("/api/sms", """
                {"tenant": "default", "to": ["+4521000010"], "text": "Later", "sendAfter": "%s"}""".formatted(later));
        long id = awaitStatus(r.json().get("requestId").asLong(), "QUEUED", 1).get(0).get("id").asLong();
        Http.Response cancelled = admin.post("/api/sms/" + id + "/cancel", null);
        assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
        assertThat(cancelled.json().get("status").asText()).isEqualTo("CANCELLED");
        Http.Response again = admin.post("/api/sms/" + id + "/cancel", null);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("error").asText()).contains("only QUEUED");

        Http.Response resent = admin.post("/api/sms/resend", "{\"ids\": [" + id + "]}");
        assertThat(resent.status()).isEqualTo(409); // cancelled is not resendable
        Http.Response sent = admin.post("/api/sms", "{\"tenant\":\"default\",\"to\":[\"+4521000011\"],\"text\":\"Again\"}");
        long sentId = awaitStatus(sent.json().get("requestId").asLong(), "SENT", 1).get(0).get("id").asLong();
        Http.Response copy = admin.post("/api/sms/resend", "{\"ids\": [" + sentId + "]}");
        assertThat(copy.status()).as(copy.toString()).isEqualTo(201);
        long copyId = copy.json().get("created").get(0).asLong();
        await().atMost(Duration.ofSeconds(10)).until(() -> admin.get("/api/sms/" + copyId).json().get("status").asText()
                .equals("SENT"));
        assertThat(admin.get("/api/sms/" + copyId).json().get("resentFrom").asLong()).isEqualTo(sentId);
        assertThat(admin.get("/api/sms/999999").status()).isEqualTo(404);
    }

    @Test
    void searchFiltersByStatusRecipientTextAndDate() {
        admin.post("/api/sms", "{\"tenant\":\"default\",\"to\":[\"+4521000020\"],\"text\":\"Unique marker Q7\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> list("/api/sms?text=marker%20q7&status=SENT").size() == 1);
        assertThat(list("/api/sms?recipient=21000020")).hasSize(1);
        assertThat(list("/api/sms?text=marker%20q7&from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z")).isEmpty();
        Http.Response bad = admin.get("/api/sms?from=yesterday");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("field").asText()).isEqualTo("from");
    }

    @Test
    void metricsShowOutboxDepthAndSentPerChannel() {
        admin.post("/api/sms", "{\"tenant\":\"default\",\"to\":[\"+4521000030\"],\"text\":\"metrics\"}");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            String metrics = app.anonymous().get("/observe/metrics").raw();
            assertThat(metrics).contains("hermod_sms_sent_total{channel=\"spool\"}")
                    .containsPattern("hermod_outbox_depth\\{status=\"sent\"} [1-9]");
        });
        assertThat(app.anonymous().get("/observe/health").status()).isEqualTo(200);
    }

    private List<JsonNode> list(String path) {
        Http.Response r = admin.get(path);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        r.json().forEach(out::add);
        return out;
    }

    private List<JsonNode> awaitStatus(long requestId, String status, int expected) {
        List<JsonNode> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            found.clear();
            list("/api/sms?limit=1000&status=" + status).stream()
                    .filter(s -> s.has("requestId") && s.get("requestId").asLong() == requestId).forEach(found::add);
            assertThat(found).hasSize(expected);
        });
        return found;
    }
}
