package org.hermod.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.hermod.testing.HermodApp;
import org.hermod.testing.Http;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * platform-http turns request headers, query parameters and form fields into message headers under the client's
 * names. Every header or parameter Hermod decides from, sent by a client where it does not belong, changes nothing
 * (org.hermod.api.RequestHeaderFilter).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HeaderSpoofingTest {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final String SECRET_A = "callback-secret-a-0123456789";
    private static final String SECRET_B = "callback-secret-b-0123456789";
    private static final String ADMIN = basic(HermodApp.ADMIN, HermodApp.ADMIN_PASSWORD);
    private static final String B_SENDER = basic("b-sender", "b-sender-password");

    private HermodApp app;
    private long defaultSms;
    private long schoolBSms;
    private int callbacks;

    @BeforeAll
    void start() {
        app = HermodApp.on(TestDatabases.h2())
                .with("hermod.websms.channels[0].name", "web-a")
                .with("hermod.websms.channels[0].token", "tok-a")
                .with("hermod.websms.channels[0].callback-secret", SECRET_A)
                .with("hermod.websms.channels[1].name", "web-b")
                .with("hermod.websms.channels[1].token", "tok-b")
                .with("hermod.websms.channels[1].callback-secret", SECRET_B)
                .start();
        assertThat(app.admin().post("/api/tenants", "{\"id\":\"school-b\",\"name\":\"School B\"}").status()).isEqualTo(201);
        assertThat(app.admin().post("/api/users", """
                {"username": "b-sender", "tenant": "school-b", "password": "b-sender-password",
                 "permissions": ["sms.view", "sms.send"]}""").status()).isEqualTo(201);
        assertThat(app.admin().post("/api/sms", "{\"tenant\":\"default\",\"to\":[\"+4521000001\"],\"text\":\"A\"}")
                .status()).isEqualTo(201);
        defaultSms = app.count("select max(id) from sms");
        assertThat(app.admin().post("/api/sms", "{\"tenant\":\"school-b\",\"to\":[\"+4521000002\"],\"text\":\"B\"}")
                .status()).isEqualTo(201);
        schoolBSms = app.count("select max(id) from sms");
    }

    @AfterAll
    void stop() {
        app.close();
    }

    /** {@code tenant} is a query parameter; a header of that name is no tenant filter, for an operator or a tenant. */
    @Test
    void aTenantHeaderIsNoTenantParameter() throws Exception {
        Http.Response all = send("GET", "/api/sms", null, ADMIN, "tenant", "school-b");
        assertThat(all.status()).as(all.toString()).isEqualTo(200);
        assertThat(tenants(all.json())).contains("default", "school-b");
        assertThat(tenants(send("GET", "/api/sms?tenant=school-b", null, ADMIN).json())).containsOnly("school-b");

        Http.Response own = send("GET", "/api/sms", null, B_SENDER, "tenant", "default");
        assertThat(own.status()).as(own.toString()).isEqualTo(200);
        assertThat(tenants(own.json())).containsOnly("school-b");
    }

    /** {@code /api/sms/{id}} and {@code /api/templates/{name}}: the path decides, not ?id= or a header id. */
    @Test
    void pathParametersComeFromThePathOnly() throws Exception {
        Http.Response byQuery = send("GET", "/api/sms/" + defaultSms + "?id=" + schoolBSms, null, ADMIN);
        assertThat(byQuery.status()).as(byQuery.toString()).isEqualTo(200);
        assertThat(byQuery.json().get("id").asLong()).isEqualTo(defaultSms);
        Http.Response byHeader = send("GET", "/api/sms/" + defaultSms, null, ADMIN, "id", Long.toString(schoolBSms));
        assertThat(byHeader.status()).as(byHeader.toString()).isEqualTo(200);
        assertThat(byHeader.json().get("id").asLong()).isEqualTo(defaultSms);

        for (String name : List.of("keep-1", "keep-2", "victim")) {
            assertThat(app.admin().put("/api/templates/" + name, "{\"tenant\":\"default\",\"text\":\"T\"}").status())
                    .isEqualTo(200);
        }
        assertThat(send("DELETE", "/api/templates/keep-1?tenant=default&name=victim", null, ADMIN).status())
                .isEqualTo(200);
        assertThat(send("DELETE", "/api/templates/keep-2?tenant=default", null, ADMIN, "name", "victim").status())
                .isEqualTo(200);
        assertThat(send("PUT", "/api/templates/keep-3?name=victim", "{\"tenant\":\"default\",\"text\":\"changed\"}",
                ADMIN).status()).isEqualTo(200);
        assertThat(app.jdbc().query("select name || '=' || text from sms_template where name like 'keep%' or name = 'victim'",
                rs -> rs.getString(1))).containsExactlyInAnyOrder("victim=T", "keep-3=changed");
    }

    /** Camel's and Hermod's own headers, as a client header or a query parameter, never reach a bean. */
    @Test
    void camelAndHermodHeadersFromClientsChangeNothing() throws Exception {
        List<String> names = List.of("CamelHttpResponseCode", "camelhttpresponsecode", "CamelHttpUri", "CamelHttpPath",
                "CamelHttpQuery", "CamelFileName", "CamelAuthentication", "HermodSisOutcome", "HermodSisImportId",
                "HermodTenant");
        int all = send("GET", "/api/sms", null, ADMIN).json().size();
        for (String name : names) {
            String value = name.toLowerCase().contains("code") ? "500" : "/etc/passwd";
            Http.Response asHeader = send("GET", "/api/sms", null, ADMIN, name, value);
            assertThat(asHeader.status()).as(name + " " + asHeader).isEqualTo(200);
            assertThat(asHeader.json().size()).isEqualTo(all);
            Http.Response asQuery = send("GET", "/api/sms?" + name + "=" + q(value), null, ADMIN);
            assertThat(asQuery.status()).as(name + " " + asQuery).isEqualTo(200);
            assertThat(asQuery.json().size()).isEqualTo(all);
            assertThat(send("GET", "/api/sms?" + name + "=" + q(value), null, null).status()).isEqualTo(401);
        }
    }

    /**
     * websms callbacks: the secret from ?secret= or the request's own {@code Authorization: Bearer} header, never
     * from a query parameter named Authorization or a header named secret; the channel from the path.
     */
    @Test
    void websmsCallbacksTakeTheSecretAndChannelFromWhereTheyBelong() throws Exception {
        String bearer = "Bearer " + SECRET_A;
        assertThat(callback("/websms/web-a/callback?Authorization=" + q(bearer), null).status()).isEqualTo(401);
        assertThat(callback("/websms/web-a/callback?authorization=" + q(bearer), null).status()).isEqualTo(401);
        assertThat(callback("/websms/web-a/callback", null, "secret", SECRET_A).status()).isEqualTo(401);
        assertThat(app.count("select count(*) from inbound_sms")).isZero();

        assertThat(callback("/websms/web-a/callback", bearer).status()).isEqualTo(200);
        assertThat(callback("/websms/web-a/callback?secret=" + SECRET_A, null).status()).isEqualTo(200);
        assertThat(callback("/websms/web-a/callback?secret=" + SECRET_A + "&channel=web-b", null).status()).isEqualTo(200);
        assertThat(callback("/websms/web-a/callback?secret=" + SECRET_A, null, "channel", "web-b").status())
                .isEqualTo(200);
        assertThat(callback("/websms/web-a/callback?secret=" + SECRET_B + "&channel=web-b", null).status())
                .isEqualTo(403);
        assertThat(app.jdbc().query("select distinct channel from inbound_sms", rs -> rs.getString(1)))
                .containsExactly("web-a");
        assertThat(app.count("select count(*) from inbound_sms")).isEqualTo(4);
    }

    /** Kannel's form POST: its fields come from the form (or the query), not from request headers of their names. */
    @Test
    void kannelFieldsDoNotComeFromRequestHeaders() throws Exception {
        assertThat(app.admin().post("/api/users", """
                {"username": "legacy", "tenant": "school-b", "password": "legacy-password-1", "permissions": ["sms.send"]}""")
                .status()).isEqualTo(201);
        String form = "username=legacy&password=legacy-password-1&to=" + q("+4521777001") + "&text=" + q("from the form");
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/cgi-bin/sendsms"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("text", "from a header").header("to", "+4521777999").header("dlr-mask", "31")
                .header("dlr-url", "http://127.0.0.1:1/stolen")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(app.jdbc().query("select recipient || ' ' || text from sms where recipient like '+4521777%'",
                rs -> rs.getString(1))).containsExactly("+4521777001 from the form");

        HttpRequest noPassword = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                        + "/cgi-bin/sendsms?username=legacy&to=" + q("+4521777002") + "&text=x"))
                .header("password", "legacy-password-1").GET().build();
        assertThat(CLIENT.send(noPassword, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
    }

    private Http.Response callback(String path, String authorization, String... headers) throws Exception {
        String body = "{\"messageType\":\"text\",\"messageId\":\"m" + (++callbacks) + "\",\"senderAddress\":\"4521000009\","
                + "\"recipientAddress\":\"4512345678\",\"textMessageContent\":\"hello\"}";
        return send("POST", path, body, authorization, headers);
    }

    private Http.Response send(String method, String path, String json, String authorization, String... headers) {
        return Http.withAuthorization(app.port(), authorization).send(method, path, json, headers);
    }

    private static List<String> tenants(JsonNode list) {
        List<String> tenants = new ArrayList<>();
        list.forEach(sms -> tenants.add(sms.get("tenant").asText()));
        return tenants;
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
