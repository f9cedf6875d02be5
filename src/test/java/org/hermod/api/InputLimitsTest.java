package org.hermod.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.hermod.testing.HermodApp;
import org.hermod.testing.Http;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Inputs longer than their columns, naming an unknown tenant, or holding a NUL character are a 400 naming the field
 * and the limit, never the database's 500, and the error never echoes the value (it may be personal data). An
 * inbound SMS is never lost for a long field: it is stored, cut to fit, and says so.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InputLimitsTest {

    /** Marks every over-long value, so an echo in an error is found. */
    private static final String MARK = "Zq";
    private static final String SECRET = "callback-secret-limits-0123456789";
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private HermodApp app;
    private Http admin;

    @BeforeAll
    void start() {
        app = websms(HermodApp.on(TestDatabases.h2())).start();
        admin = app.admin();
    }

    @AfterAll
    void stop() {
        app.close();
    }

    private static HermodApp.Builder websms(HermodApp.Builder b) {
        return b.with("hermod.websms.channels[0].name", "web")
                .with("hermod.websms.channels[0].token", "tok")
                .with("hermod.websms.channels[0].callback-secret", SECRET);
    }

    private static String longer(int limit) {
        return MARK.repeat(limit / 2 + 1);
    }

    private static void refused(Http.Response r, String field, String limit) {
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().path("field").asText()).as(r.toString()).isEqualTo(field);
        assertThat(r.json().path("error").asText()).as(r.toString()).contains(limit).doesNotContain(MARK + MARK);
    }

    @Test
    void templatesTokensTenantsAndJobsRefuseOverLongFields() {
        refused(admin.put("/api/templates/" + longer(100), "{\"tenant\":\"default\",\"text\":\"T\"}"), "name", "100");
        refused(admin.put("/api/templates/t1", "{\"tenant\":\"default\",\"text\":\"" + longer(4000) + "\"}"), "text",
                "4000");
        refused(admin.post("/api/tokens", "{\"name\":\"" + longer(100) + "\"}"), "name", "100");
        refused(admin.post("/api/tenants", "{\"id\":\"long-name\",\"name\":\"" + longer(200) + "\"}"), "name", "200");
        String job = admin.get("/api/jobs").json().get(0).get("id").asText();
        refused(admin.put("/api/jobs/" + job, "{\"note\":\"" + longer(1000) + "\"}"), "note", "1000");
        refused(admin.post("/api/sms", "{\"tenant\":\"default\",\"to\":[\"+4521000001\"],\"text\":\"" + longer(4000)
                + "\"}"), "text", "4000");
        assertThat(app.count("select count(*) from sms_template")).isZero();
        assertThat(app.count("select count(*) from tenant where id = 'long-name'")).isZero();
    }

    @Test
    void directoryWritesRefuseOverLongIdsAndMobiles() {
        refused(admin.post("/api/directory/users", "{\"tenant\":\"default\",\"users\":[{\"sisId\":\"" + longer(128)
                + "\"}]}"), "users[0].sisId", "128");
        refused(admin.post("/api/directory/users", "{\"tenant\":\"default\",\"users\":[{\"sisId\":\"u1\"},"
                + "{\"sisId\":\"u2\",\"mobile\":\"+45" + MARK.repeat(20) + "\"}]}"), "users[1].mobile", "32");
        refused(admin.post("/api/directory/groups", "{\"tenant\":\"default\",\"sisId\":\"" + longer(128)
                + "\",\"name\":\"Class\"}"), "sisId", "128");
        refused(admin.post("/api/directory/groups", "{\"tenant\":\"default\",\"sisId\":\"g1\",\"name\":\"" + longer(200)
                + "\"}"), "name", "200");
        assertThat(app.count("select count(*) from dir_user")).isZero();
    }

    @Test
    void anUnknownTenantOnTemplateAndDirectoryWritesIsNamed() {
        refused(admin.put("/api/templates/t2", "{\"tenant\":\"no-such-school\",\"text\":\"T\"}"), "tenant", "unknown");
        refused(admin.post("/api/directory/users", "{\"tenant\":\"no-such-school\",\"users\":[{\"sisId\":\"u1\"}]}"),
                "tenant", "unknown");
        refused(admin.post("/api/directory/groups", "{\"tenant\":\"no-such-school\",\"sisId\":\"g1\",\"name\":\"C\"}"),
                "tenant", "unknown");
    }

    /** websms.com may send longer fields than Hermod's columns: the SMS is stored all the same, cut, and once. */
    @Test
    void aWebsmsSmsWithOverLongFieldsIsStoredCutAndOnce() throws Exception {
        String messageId = "m-" + "x".repeat(4_100);
        String body = "{\"messageType\":\"text\",\"messageId\":\"" + messageId + "\",\"senderAddress\":\"45"
                + "1".repeat(4_100) + "\",\"recipientAddress\":\"4512345678\",\"textMessageContent\":\"HELLO "
                + "y".repeat(4_994) + "\"}";
        assertThat(callback(app, body).statusCode()).isEqualTo(200);
        assertThat(callback(app, body).statusCode()).isEqualTo(200);
        assertThat(app.count("select count(*) from inbound_sms where channel = 'web'")).isEqualTo(1);
        var row = app.jdbc().query("select provider_id, sender, text from inbound_sms where channel = 'web'",
                rs -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}).get(0);
        assertThat(row[0]).hasSize(128).startsWith("m-xxx");
        assertThat(row[1]).hasSize(32).startsWith("+451111");
        assertThat(row[2]).hasSize(4000).startsWith("HELLO yyy").endsWith("5000 characters received]");
    }

    /** PostgreSQL cannot store U+0000 in a text column: the API refuses it by name; an inbound SMS keeps the rest. */
    @Test
    void aNulCharacterOnPostgresIsA400OrReplacedInAnInboundSms() throws Exception {
        try (HermodApp pg = websms(HermodApp.on(TestDatabases.postgres())).start()) {
            Http operator = pg.admin();
            Http.Response template = operator.put("/api/templates/nul", "{\"tenant\":\"default\",\"text\":\"a\\u0000b\"}");
            assertThat(template.status()).as(template.toString()).isEqualTo(400);
            assertThat(template.json().path("field").asText()).isEqualTo("text");
            Http.Response sms = operator.post("/api/sms", "{\"tenant\":\"default\",\"to\":[\"+4521000001\"],"
                    + "\"text\":\"a\\u0000b\"}");
            assertThat(sms.status()).as(sms.toString()).isEqualTo(400);
            assertThat(sms.json().path("field").asText()).isEqualTo("text");

            String body = "{\"messageType\":\"text\",\"messageId\":\"nul-1\",\"senderAddress\":\"4521000009\","
                    + "\"textMessageContent\":\"a\\u0000b\"}";
            HttpResponse<String> r = callback(pg, body);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(pg.jdbc().query("select text from inbound_sms where provider_id = 'nul-1'", rs -> rs.getString(1)))
                    .containsExactly("a\uFFFDb");
        }
    }

    private static HttpResponse<String> callback(HermodApp app, String body) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                        + "/websms/web/callback?secret=" + SECRET)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
