package org.hermod.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import org.hermod.testing.HermodApp;
import org.hermod.testing.Http;
import org.hermod.testing.MutableClock;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * API tokens expire, can be listed (never shown again) and revoked, and a deleted user's Basic login and tokens stop
 * at once. Before: tokens never expired, there was no way to list or revoke them, and a deleted user's Basic login
 * kept working for up to 60 s.
 */
class TokensTest {

    private static final Instant START = Instant.parse("2026-12-02T10:00:00Z");
    private final MutableClock clock = new MutableClock(START);
    private HermodApp app;
    private Http admin;

    @BeforeEach
    void start() {
        app = HermodApp.on(TestDatabases.h2()).bean("clock", clock).start();
        admin = app.admin();
        assertThat(admin.post("/api/users", """
                {"username": "teacher", "tenant": "default", "password": "teacher-password",
                 "permissions": ["sms.view"]}""").status()).isEqualTo(201);
    }

    @AfterEach
    void stop() {
        app.close();
    }

    private Http teacher() {
        return Http.basic(app.port(), "teacher", "teacher-password");
    }

    @Test
    void aTokenExpiresCanBeListedWithoutItsSecretAndRevokedAtOnce() {
        Http.Response made = teacher().post("/api/tokens", "{\"name\": \"script\", \"expiresInDays\": 30}");
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
        String token = made.json().get("token").asText();
        String id = made.json().get("id").asText();
        assertThat(made.json().get("expiresAt").asText()).isEqualTo("2027-01-01T10:00:00Z");
        Http bearer = Http.bearer(app.port(), token);
        assertThat(bearer.get("/api/sms").status()).isEqualTo(200);

        JsonNode listed = teacher().get("/api/tokens").json();
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("id").asText()).isEqualTo(id);
        assertThat(listed.get(0).get("name").asText()).isEqualTo("script");
        assertThat(listed.toString()).doesNotContain(token);

        clock.advance(Duration.ofDays(30));
        Http.Response expired = bearer.get("/api/sms");
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.json().get("error").asText()).contains("token expired");

        String second = teacher().post("/api/tokens", "{\"name\": \"cron\"}").json().get("token").asText();
        String secondId = teacher().get("/api/tokens").json().get(0).get("id").asText();
        assertThat(Http.bearer(app.port(), second).get("/api/sms").status()).isEqualTo(200);
        assertThat(teacher().delete("/api/tokens/" + secondId).status()).isEqualTo(200);
        assertThat(Http.bearer(app.port(), second).get("/api/sms").status()).as("revoked at once").isEqualTo(401);
        assertThat(teacher().delete("/api/tokens/" + secondId).status()).isEqualTo(404);
    }

    @Test
    void aTokenLivesAtMostAYearAndOnlyItsOwnerOrAnOperatorRevokesIt() {
        assertThat(teacher().post("/api/tokens", "{\"name\": \"long\", \"expiresInDays\": 400}").status()).isEqualTo(400);
        assertThat(teacher().post("/api/tokens", "{\"name\": \"neg\", \"expiresInDays\": -1}").status()).isEqualTo(400);
        String adminTokenId = admin.post("/api/tokens", "{\"name\": \"ops\"}").json().get("id").asText();
        assertThat(teacher().delete("/api/tokens/" + adminTokenId).status()).as("not the teacher's").isEqualTo(404);
        String teacherTokenId = teacher().post("/api/tokens", "{\"name\": \"mine\"}").json().get("id").asText();
        assertThat(admin.get("/api/tokens").raw()).as("the operator sees every token").contains(teacherTokenId)
                .contains(adminTokenId);
        assertThat(teacher().get("/api/tokens").raw()).doesNotContain(adminTokenId);
        assertThat(admin.delete("/api/tokens/" + teacherTokenId).status()).isEqualTo(200);
    }

    @Test
    void aDeletedUsersBasicLoginAndTokensStopAtOnce() {
        String token = teacher().post("/api/tokens", "{\"name\": \"script\"}").json().get("token").asText();
        assertThat(teacher().get("/api/sms").status()).isEqualTo(200); // the verified password is remembered now
        assertThat(admin.delete("/api/users/teacher").status()).isEqualTo(200);
        assertThat(teacher().get("/api/sms").status()).as("Basic login of a deleted user").isEqualTo(401);
        assertThat(Http.bearer(app.port(), token).get("/api/sms").status()).as("token of a deleted user").isEqualTo(401);
        assertThat(admin.delete("/api/users/teacher").status()).isEqualTo(404);
        assertThat(admin.delete("/api/users/admin").status()).as("not yourself").isEqualTo(400);
    }
}
