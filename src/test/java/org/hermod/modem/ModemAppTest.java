package org.hermod.modem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.hermod.testing.HermodApp;
import org.hermod.testing.Http;
import org.hermod.testing.ModemEmulator;
import org.hermod.testing.TcpModemServer;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The real application with a modem channel configured by indexed properties, talking TCP to the emulator:
 * SMS sent through the admin API reach the modem and become DELIVERED by status report; an SMS received by the
 * modem lands in the inbound table; health and metrics show the modem.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModemAppTest {

    private final ModemEmulator emulator = new ModemEmulator();
    private TcpModemServer server;
    private HermodApp app;
    private Http admin;

    @BeforeAll
    void start() throws Exception {
        server = new TcpModemServer(emulator);
        app = HermodApp.on(TestDatabases.h2())
                .with("hermod.modem.enabled", "true")
                .with("hermod.modem.tick", "300ms")
                .with("hermod.modem.devices[0].name", "gsm1")
                .with("hermod.modem.devices[0].link", "tcp")
                .with("hermod.modem.devices[0].tcp.host", "127.0.0.1")
                .with("hermod.modem.devices[0].tcp.port", Integer.toString(server.port()))
                .with("hermod.modem.devices[0].batch-size", "2")
                .with("hermod.outbox.default-channel", "gsm1")
                .with("hermod.outbox.retry-backoff", "500ms")
                .start();
        admin = app.admin();
    }

    @AfterAll
    void stop() throws Exception {
        app.close();
        server.close();
    }

    @Test
    void smsThroughTheApiIsSentByTheModemAndDeliveredByStatusReport() {
        Http.Response r = admin.post("/api/sms", """
                {"tenant": "default", "to": ["+45 21 00 00 01", "+4521000002", "+4521000003"], "text": "Husk madpakke ☺"}""");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        long requestId = r.json().get("requestId").asLong();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode list = admin.get("/api/sms?limit=100&status=DELIVERED").json();
            long delivered = 0;
            for (JsonNode s : list) {
                if (s.get("requestId").asLong() == requestId) {
                    delivered++;
                    assertThat(s.get("providerId").asText()).startsWith("mr:");
                }
            }
            assertThat(delivered).isEqualTo(3);
        });
        assertThat(emulator.sent).filteredOn(s -> s.text().equals("Husk madpakke ☺"))
                .extracting(ModemEmulator.Sent::recipient)
                .containsExactlyInAnyOrder("+4521000001", "+4521000002", "+4521000003");
        assertThat(app.count("select count(*) from job where id = 'modem-gsm1'")).isEqualTo(1);
    }

    @Test
    void failedStatusReportMarksTheSmsFailedWithTheReason() {
        emulator.reportStatus = 0x41;
        try {
            Http.Response r = admin.post("/api/sms", "{\"tenant\":\"default\",\"to\":[\"+4521000009\"],\"text\":\"nope\"}");
            long requestId = r.json().get("requestId").asLong();
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (JsonNode s : admin.get("/api/sms?limit=100&status=FAILED").json()) {
                    if (s.get("requestId").asLong() == requestId) {
                        return s.get("error").asText().contains("incompatible destination (TP-ST 0x41)");
                    }
                }
                return false;
            });
        } finally {
            emulator.reportStatus = 0;
        }
    }

    @Test
    void smsReceivedByTheModemLandsInTheInboundTable() {
        await().atMost(Duration.ofSeconds(10)).until(emulator::connected);
        emulator.deliver("+4521000077", "SYG Anna 7a");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                app.count("select count(*) from inbound_sms where channel = 'gsm1' and sender = '+4521000077' "
                        + "and text = 'SYG Anna 7a'") == 1);
    }

    @Test
    void healthAndMetricsShowTheModem() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String metrics = app.anonymous().get("/observe/metrics").raw();
            assertThat(metrics).contains("hermod_modem_up{modem=\"gsm1\"} 1.0")
                    .contains("hermod_modem_signal_rssi{modem=\"gsm1\"} 21.0");
        });
        Http.Response health = app.anonymous().get("/observe/health");
        assertThat(health.status()).isEqualTo(200);
        JsonNode check = null;
        for (JsonNode c : health.json().get("checks")) {
            if (c.get("name").asText().equals("modem:gsm1")) {
                check = c;
            }
        }
        assertThat(check).as("check modem:gsm1 in %s", health.raw()).isNotNull();
        assertThat(check.get("status").asText()).isEqualTo("UP");
    }
}
