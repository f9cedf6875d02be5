package org.hermod.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.hermod.testing.HermodApp;
import org.hermod.testing.Http;
import org.hermod.testing.ScriptedChannel;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * A broadcast to 10,000 on the embedded default (H2) starts going out at once and is claimed in priority
 * order. Before the claim was split into a locking select and an update by id, H2 evaluated
 * {@code id in (select … for update skip locked)} row by row: 2,000 queued took one to two minutes to claim
 * and 10,000 did not finish in ten. The bound here (20 s to the whole broadcast) is a guard against that
 * class of plan, not a speed measurement: the figures are {@code ClaimBench}'s, in docs/PERFORMANCE.md.
 */
class BroadcastClaimTest {

    private static final int RECIPIENTS = 10_000;

    @Test
    void tenThousandQueuedOnH2AreAllSentAndEmergenciesGoFirst() {
        ScriptedChannel channel = new ScriptedChannel("scripted");
        try (HermodApp app = HermodApp.on(TestDatabases.h2()).bean("scriptedChannel", channel)
                .with("hermod.outbox.default-channel", "scripted").start()) {
            app.seedUsers(RECIPIENTS, "+4526");
            Http admin = app.admin();
            Http.Response bulk = admin.post("/api/sms", "{\"tenant\":\"default\",\"everyone\":true,"
                    + "\"priority\":\"BULK\",\"text\":\"Nyhedsbrev\"}");
            assertThat(bulk.status()).as(bulk.toString()).isEqualTo(201);
            Http.Response emergency = admin.post("/api/sms", "{\"tenant\":\"default\",\"to\":[\"+4529999999\"],"
                    + "\"priority\":\"EMERGENCY\",\"text\":\"Skolen er lukket\"}");
            assertThat(emergency.status()).as(emergency.toString()).isEqualTo(201);

            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() ->
                    app.count("select count(*) from sms where status = 'SENT'") == RECIPIENTS + 1);
            assertThat(channel.received).hasSize(RECIPIENTS + 1);
            assertThat(channel.received.stream().map(s -> s.recipient()).distinct().count())
                    .as("every recipient exactly once").isEqualTo(RECIPIENTS + 1);
            int emergencyAt = channel.received.stream().map(s -> s.recipient()).toList().indexOf("+4529999999");
            assertThat(emergencyAt).as("the emergency SMS queued after the broadcast overtakes it")
                    .isLessThan(RECIPIENTS / 2);
        }
    }
}
