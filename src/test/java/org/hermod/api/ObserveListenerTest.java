package org.hermod.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.hermod.testing.HermodApp;
import org.hermod.testing.Http;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * Health and metrics on a listener of their own ({@code hermod.observe.port}): the API's port no longer serves
 * them, theirs serves nothing else, so a firewall or bind address can keep them from the API's public side.
 */
class ObserveListenerTest {

    @Test
    void observeOnItsOwnPortIsNotServedOnTheApisPort() throws Exception {
        int observe = HermodApp.freePort();
        try (HermodApp app = HermodApp.on(TestDatabases.h2())
                .with("hermod.api.host", "0.0.0.0")
                .with("hermod.observe.host", "127.0.0.1")
                .with("hermod.observe.port", Integer.toString(observe))
                .start()) {
            assertThat(app.admin().get("/api/sms").status()).isEqualTo(200);
            assertThat(app.anonymous().get("/api/sms").status()).isEqualTo(401);
            assertThat(app.anonymous().get("/observe/health").status()).as("health on the API's port").isEqualTo(404);
            assertThat(app.anonymous().get("/observe/metrics").status()).as("metrics on the API's port").isEqualTo(404);

            Http management = Http.anonymous(observe);
            Http.Response health = management.get("/observe/health");
            assertThat(health.status()).as(health.raw()).isEqualTo(200);
            assertThat(health.raw()).contains("\"status\"");
            Http.Response metrics = management.get("/observe/metrics");
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(metrics.raw()).contains("hermod_outbox");
            assertThat(Http.basic(observe, HermodApp.ADMIN, HermodApp.ADMIN_PASSWORD).get("/api/sms").status())
                    .as("the API on the observe port").isEqualTo(404);
        }
    }

    @Test
    void anotherHostOnTheApisOwnPortIsAConfigurationError() {
        assertThatThrownBy(() -> HermodApp.on(TestDatabases.h2()).with("hermod.api.host", "127.0.0.1")
                .with("hermod.observe.host", "0.0.0.0").start().close())
                .hasStackTraceContaining("hermod.observe.host")
                .hasStackTraceContaining("hermod.observe.port");
    }
}
