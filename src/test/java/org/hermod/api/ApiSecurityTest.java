package org.hermod.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.hermod.testing.HermodApp;
import org.hermod.testing.Http;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Authentication on every operation, permissions of seed 002, and tenant isolation, over real HTTP. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiSecurityTest {

    private HermodApp app;
    private Http admin;
    private long defaultTenantSms;

    @BeforeAll
    void start() {
        app = HermodApp.on(TestDatabases.h2()).start();
        admin = app.admin();
        assertThat(admin.post("/api/tenants", "{\"id\":\"school-b\",\"name\":\"School B\",\"timeZone\":\"Europe/Berlin\"}")
                .status()).isEqualTo(201);
        assertThat(admin.post("/api/users", """
                {"username": "b-sender", "tenant": "school-b", "password": "b-sender-password",
                 "permissions": ["sms.view", "sms.send"]}""").status()).isEqualTo(201);
        assertThat(admin.post("/api/users", """
                {"username": "b-viewer", "tenant": "school-b", "password": "b-viewer-password",
                 "permissions": ["sms.view"]}""").status()).isEqualTo(201);
        Http.Response sent = admin.post("/api/sms", "{\"tenant\":\"default\",\"to\":[\"+4521000001\"],\"text\":\"A\"}");
        assertThat(sent.status()).isEqualTo(201);
        defaultTenantSms = app.count("select max(id) from sms");
    }

    @AfterAll
    void stop() {
        app.close();
    }

    /**
     * Every admin operation of the OpenAPI description answers 401 without credentials and with wrong ones;
     * the provider callbacks and the Kannel endpoint (their own credentials) refuse too.
     */
    @Test
    void everyOperationRequiresAuthentication() {
        JsonNode openapi = app.anonymous().get("/api/openapi.json").json();
        List<String[]> operations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = openapi.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fieldNames().forEachRemaining(verb -> operations.add(new String[] {verb.toUpperCase(),
                    path.getKey().replaceAll("\\{[^}]+}", "1")}));
        }
        assertThat(operations).hasSizeGreaterThanOrEqualTo(22);
        // wrong passwords for a user name of its own: after 5, LoginThrottle answers 429 for that name and address
        Http wrong = Http.basic(app.port(), "intruder", "not-the-password");
        Http badToken = Http.bearer(app.port(), "hmd_forged");
        for (String[] op : operations) {
            String path = op[1];
            String body = op[0].equals("GET") || op[0].equals("DELETE") ? null : "{}";
            for (Http client : List.of(app.anonymous(), wrong, badToken)) {
                Http.Response r = client.send(op[0], path, body);
                if (path.startsWith("/api/")) {
                    assertThat(r.status()).as(op[0] + " " + path + " -> " + r).isIn(401, 429);
                } else {
                    assertThat(r.status()).as(op[0] + " " + path + " -> " + r).isIn(401, 403, 404);
                }
            }
        }
        assertThat(app.anonymous().get("/api/sms").raw()).doesNotContain("Authorization");
    }

    /**
     * The OpenAPI description says how to authenticate (Basic and Bearer schemes, required on every /api operation)
     * and which query parameters each list takes, so a generated client sends credentials in the header, not the URL.
     */
    @Test
    void theOpenApiDescriptionDeclaresItsSecuritySchemesAndQueryParameters() {
        JsonNode openapi = app.anonymous().get("/api/openapi.json").json();
        JsonNode schemes = openapi.at("/components/securitySchemes");
        assertThat(schemes.at("/basic/type").asText()).as(schemes.toString()).isEqualTo("http");
        assertThat(schemes.at("/basic/scheme").asText()).isEqualTo("basic");
        assertThat(schemes.at("/bearer/scheme").asText()).isEqualTo("bearer");
        List<String> unsecured = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = openapi.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            if (!path.getKey().startsWith("/api/")) {
                continue;
            }
            path.getValue().fields().forEachRemaining(op -> {
                JsonNode security = op.getValue().get("security");
                if (security == null || !security.toString().contains("basic") || !security.toString().contains("bearer")) {
                    unsecured.add(op.getKey() + " " + path.getKey());
                }
            });
        }
        assertThat(unsecured).as("operations without the Basic and Bearer requirements").isEmpty();
        List<String> smsListParameters = new ArrayList<>();
        openapi.at("/paths/~1api~1sms/get/parameters").forEach(p -> smsListParameters.add(p.get("in").asText() + ":"
                + p.get("name").asText()));
        assertThat(smsListParameters).contains("query:tenant", "query:status", "query:from", "query:to",
                "query:recipient", "query:text", "query:limit", "query:offset");
        assertThat(openapi.at("/paths/~1api~1errors/get/parameters").toString()).contains("\"max\"", "\"job\"");
    }

    @Test
    void tokensAuthenticateAndAreShownOnce() {
        Http.Response token = admin.post("/api/tokens", "{\"name\":\"ci\"}");
        assertThat(token.status()).isEqualTo(201);
        String value = token.json().get("token").asText();
        assertThat(Http.bearer(app.port(), value).get("/api/sms").status()).isEqualTo(200);
        assertThat(app.count("select count(*) from api_token where token_hash = ?", value)).isZero();
    }

    @Test
    void permissionsAreChecked() {
        Http viewer = Http.basic(app.port(), "b-viewer", "b-viewer-password");
        assertThat(viewer.get("/api/sms").status()).isEqualTo(200);
        Http.Response send = viewer.post("/api/sms", "{\"to\":[\"+4521000002\"],\"text\":\"x\"}");
        assertThat(send.status()).isEqualTo(403);
        assertThat(send.json().get("error").asText()).contains("sms.send");
        assertThat(viewer.put("/api/templates/welcome", "{\"text\":\"Hi\"}").status()).isEqualTo(403);
        assertThat(viewer.post("/api/prefixes", "{\"country\":\"FI\",\"countryCode\":\"358\",\"prefix\":\"+35840\","
                + "\"minDigits\":12,\"maxDigits\":12}").status()).isEqualTo(403);
        assertThat(viewer.get("/api/jobs").status()).isEqualTo(403);
        assertThat(viewer.get("/api/errors").status()).isEqualTo(403);
        Http.Response escalate = Http.basic(app.port(), "b-sender", "b-sender-password").post("/api/users",
                "{\"username\":\"x\",\"password\":\"xxxxxxxxxxxxxx\",\"permissions\":[\"jobs.edit\"]}");
        assertThat(escalate.status()).isEqualTo(403);
    }

    @Test
    void tenantsAreIsolated() {
        Http sender = Http.basic(app.port(), "b-sender", "b-sender-password");
        Http.Response own = sender.post("/api/sms", "{\"to\":[\"+4521000003\"],\"text\":\"B only\"}");
        assertThat(own.status()).as(own.toString()).isEqualTo(201);
        assertThat(own.json().get("tenant").asText()).isEqualTo("school-b");

        Http.Response other = sender.post("/api/sms", "{\"tenant\":\"default\",\"to\":[\"+4521000003\"],\"text\":\"x\"}");
        assertThat(other.status()).isEqualTo(403);
        assertThat(other.json().get("field").asText()).isEqualTo("tenant");

        await().atMost(Duration.ofSeconds(10)).until(() -> sender.get("/api/sms").json().size() == 1);
        JsonNode list = sender.get("/api/sms?tenant=default").json();
        assertThat(list.has("error") ? 403 : 200).isEqualTo(403);
        assertThat(sender.get("/api/sms").json().get(0).get("tenant").asText()).isEqualTo("school-b");
        assertThat(sender.get("/api/sms/" + defaultTenantSms).status()).isEqualTo(404);
        assertThat(sender.post("/api/sms/" + defaultTenantSms + "/cancel", null).status()).isEqualTo(404);
        assertThat(sender.post("/api/sms/resend", "{\"ids\":[" + defaultTenantSms + "]}").status()).isEqualTo(404);
        assertThat(sender.post("/api/directory/groups", "{\"sisId\":\"g\",\"name\":\"g\"}").status()).isEqualTo(403);
    }

    @Test
    void passwordsAreStoredHashed() {
        assertThat(app.jdbc().query("select password_hash from api_user where username = 'b-viewer'",
                rs -> rs.getString(1)).get(0)).startsWith("pbkdf2$").doesNotContain("b-viewer-password");
    }

    /**
     * platform-http makes query parameters into message headers: credentials given as ?Authorization=... must not
     * authenticate (401), while the real Authorization header still does.
     */
    @Test
    void credentialsInTheQueryStringAreRefused() throws Exception {
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString(
                (HermodApp.ADMIN + ":" + HermodApp.ADMIN_PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        for (String name : List.of("Authorization", "authorization", "AUTHORIZATION")) {
            for (String credentials : List.of(basic, "Bearer " + "some-token")) {
                java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + app.port() + "/api/sms?" + name + "="
                        + java.net.URLEncoder.encode(credentials, java.nio.charset.StandardCharsets.UTF_8));
                int status = client.send(java.net.http.HttpRequest.newBuilder(uri).GET().build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
                assertThat(status).as(name + " " + credentials.substring(0, 6)).isEqualTo(401);
            }
        }
        java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + app.port() + "/api/sms");
        assertThat(client.send(java.net.http.HttpRequest.newBuilder(uri).header("Authorization", basic).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
    }
}
