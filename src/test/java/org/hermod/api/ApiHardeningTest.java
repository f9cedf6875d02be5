package org.hermod.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.hermod.testing.HermodApp;
import org.hermod.testing.Http;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 12's small ones, over real HTTP: answers no browser sniffs or caches, a cap on recipients per request,
 * searches where % and _ are characters, checked role values, and no tenant user passing for the operator.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiHardeningTest {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private HermodApp app;
    private Http admin;

    @BeforeAll
    void start() {
        app = HermodApp.on(TestDatabases.h2()).with("hermod.outbox.max-recipients", "3").start();
        admin = app.admin();
        assertThat(admin.post("/api/tenants", "{\"id\":\"school-b\",\"name\":\"School B\"}").status()).isEqualTo(201);
    }

    @AfterAll
    void stop() {
        app.close();
    }

    @Test
    void apiAnswersAreNosniffAndNoStoreIncludingErrors() throws Exception {
        for (String[] call : new String[][] {{"/api/sms", "admin"}, {"/api/sms", null}, {"/api/sms/x", "admin"}}) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + call[0]));
            if (call[1] != null) {
                b.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                        (HermodApp.ADMIN + ":" + HermodApp.ADMIN_PASSWORD).getBytes()));
            }
            HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.headers().firstValue("X-Content-Type-Options")).as(call[0] + " " + r.statusCode())
                    .hasValue("nosniff");
            assertThat(r.headers().firstValue("Cache-Control")).as(call[0] + " " + r.statusCode()).hasValue("no-store");
        }
    }

    @Test
    void aRequestOverTheRecipientCapIsRefusedNamingTheField() {
        Http.Response to = admin.post("/api/sms", "{\"tenant\":\"default\",\"text\":\"x\",\"to\":[\"+4521000101\","
                + "\"+4521000102\",\"+4521000103\",\"+4521000104\"]}");
        assertThat(to.status()).as(to.toString()).isEqualTo(400);
        assertThat(to.json().get("field").asText()).isEqualTo("to");
        assertThat(to.json().get("error").asText()).contains("at most 3", "hermod.outbox.max-recipients");

        assertThat(admin.post("/api/directory/users", "{\"tenant\":\"default\",\"users\":["
                + "{\"sisId\":\"c1\",\"mobile\":\"+4521000111\"},{\"sisId\":\"c2\",\"mobile\":\"+4521000112\"},"
                + "{\"sisId\":\"c3\",\"mobile\":\"+4521000113\"}]}").status()).isEqualTo(200);
        assertThat(admin.post("/api/directory/groups", "{\"tenant\":\"default\",\"sisId\":\"class-3\",\"name\":\"3\","
                + "\"members\":[\"c1\",\"c2\",\"c3\"]}").status()).isEqualTo(200);
        Http.Response group = admin.post("/api/sms", "{\"tenant\":\"default\",\"text\":\"x\",\"to\":[\"+4521000101\"],"
                + "\"groups\":[\"class-3\"]}");
        assertThat(group.status()).as(group.toString()).isEqualTo(400);
        assertThat(group.json().get("field").asText()).isEqualTo("groups[0]");
        assertThat(app.count("select count(*) from sms where text = 'x'")).isZero();
        assertThat(admin.post("/api/sms", "{\"tenant\":\"default\",\"text\":\"x\",\"groups\":[\"class-3\"]}").status())
                .isEqualTo(201);
    }

    @Test
    void percentAndUnderscoreInASearchMatchThemselves() {
        for (String text : new String[] {"100% sure", "1000 sure", "a_c", "abc"}) {
            assertThat(admin.post("/api/sms", "{\"tenant\":\"school-b\",\"to\":[\"+4521000201\"],\"text\":\"" + text
                    + "\"}").status()).isEqualTo(201);
        }
        assertThat(texts(admin.get("/api/sms?tenant=school-b&text=100%25"))).containsExactly("100% sure");
        assertThat(texts(admin.get("/api/sms?tenant=school-b&text=a_c"))).containsExactly("a_c");
    }

    @Test
    void anUnknownRoleOrPermissionIsNamed() {
        Http.Response role = admin.post("/api/directory/users", "{\"tenant\":\"default\",\"users\":["
                + "{\"sisId\":\"r1\",\"role\":\"teacher\"},{\"sisId\":\"r2\",\"role\":\"headmaster\"}]}");
        assertThat(role.status()).as(role.toString()).isEqualTo(400);
        assertThat(role.json().get("field").asText()).isEqualTo("users[1].role");
        assertThat(app.count("select count(*) from dir_user where sis_id like 'r_'")).isZero();
        assertThat(admin.post("/api/directory/users", "{\"tenant\":\"default\",\"users\":[{\"sisId\":\"r1\","
                + "\"role\":\"teacher\"}]}").status()).isEqualTo(200);
        assertThat(app.jdbc().query("select role from dir_user where sis_id = 'r1'", rs -> rs.getString(1)))
                .containsExactly("TEACHER");

        Http.Response permission = admin.post("/api/users", "{\"username\":\"p1\",\"tenant\":\"school-b\","
                + "\"password\":\"p1-password-123\",\"permissions\":[\"sms.send\",\"sms.everything\"]}");
        assertThat(permission.status()).as(permission.toString()).isEqualTo(400);
        assertThat(permission.json().get("field").asText()).isEqualTo("permissions[1]");
    }

    @Test
    void noTenantUserIsNamedLikeTheOperatorInAnyCase() {
        assertThat(admin.post("/api/users", "{\"username\":\"b-admin\",\"tenant\":\"school-b\",\"password\":"
                + "\"b-admin-password\",\"permissions\":[\"users.edit\",\"sms.send\"]}").status()).isEqualTo(201);
        Http bAdmin = Http.basic(app.port(), "b-admin", "b-admin-password");
        for (String name : new String[] {"ADMIN", "Admin", "aDmIn"}) {
            Http.Response r = bAdmin.post("/api/users", "{\"username\":\"" + name + "\",\"password\":"
                    + "\"lookalike-password\",\"permissions\":[\"sms.send\"]}");
            assertThat(r.status()).as(name + " " + r).isEqualTo(409);
            assertThat(r.json().get("field").asText()).isEqualTo("username");
        }
        assertThat(bAdmin.post("/api/users", "{\"username\":\"B-ADMIN\",\"password\":\"lookalike-password\","
                + "\"permissions\":[\"sms.send\"]}").status()).isEqualTo(409);
        assertThat(app.count("select count(*) from api_user where lower(username) = 'admin'")).isEqualTo(1);
    }

    /**
     * Eight requests at once for one name in eight spellings: the hashing between check and insert gives them all
     * time to pass the check, and the unique index on the lower-cased name lets exactly one in.
     */
    @Test
    void namesDifferingOnlyInCaseMadeAtOnceGiveOneUser() throws Exception {
        String[] names = {"racer", "Racer", "RACER", "rAcer", "raCer", "racEr", "raceR", "RaCeR"};
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(names.length);
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            java.util.List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
            for (String name : names) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return admin.post("/api/users", "{\"username\":\"" + name + "\",\"tenant\":\"school-b\","
                            + "\"password\":\"racer-password-1\",\"permissions\":[\"sms.view\"]}").status();
                }));
            }
            go.countDown();
            java.util.List<Integer> statuses = new java.util.ArrayList<>();
            for (var answer : answers) {
                statuses.add(answer.get());
            }
            assertThat(statuses).containsOnly(201, 409);
            assertThat(statuses.stream().filter(s -> s == 201)).hasSize(1);
            assertThat(app.count("select count(*) from api_user where lower(username) = 'racer'")).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    private static java.util.List<String> texts(Http.Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        java.util.List<String> out = new java.util.ArrayList<>();
        r.json().forEach(n -> out.add(n.get("text").asText()));
        return out;
    }
}
