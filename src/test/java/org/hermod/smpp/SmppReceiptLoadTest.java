package org.hermod.smpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.hermod.testing.HermodApp;
import org.hermod.testing.Http;
import org.hermod.testing.TestDatabases;
import org.hermod.testing.TestSmsc;
import org.junit.jupiter.api.Test;

/**
 * Receipts faster than Hermod takes them: with a deliberately small receiving queue (1 thread, 10 waiting), jSMPP
 * answers the deliver_sm that do not fit ESME_RTHROTTLED; the SMSC (16 receipts in flight) delivers those again, and
 * every receipt of the broadcast is applied in the end.
 */
class SmppReceiptLoadTest {

    private static final String CH = "hermod.smpp.channels[0].";

    @Test
    void receiptsRefusedByAFullReceivingQueueAreDeliveredAgainAndAllApplied() throws Exception {
        try (TestSmsc smsc = new TestSmsc("school", "s3cretpw", 8);
             HermodApp app = HermodApp.on(TestDatabases.h2())
                     .with(CH + "name", "smpp1").with(CH + "host", "127.0.0.1")
                     .with(CH + "port", Integer.toString(smsc.port())).with(CH + "system-id", "school")
                     .with(CH + "password", "s3cretpw").with(CH + "window", "20")
                     .with(CH + "receive-threads", "1").with(CH + "receive-queue", "10")
                     .start()) {
            smsc.autoReceipts(true);
            await().atMost(Duration.ofSeconds(10)).until(() -> smsc.bound() == 1);
            app.seedUsers(2_000, "+4525");
            Http.Response r = app.admin().post("/api/sms", """
                    {"tenant": "default", "everyone": true, "channel": "smpp1", "text": "Kvittering"}""");
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
            // the SMSC side (jSMPP's server) throws on header-only deliver_sm_resp in its own threads; not our failure
            await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(120)).until(() ->
                    app.count("select count(*) from sms where status = 'DELIVERED'") == 2_000);
            assertThat(smsc.receiptsRefused()).as("some receipts did not fit the queue and were delivered again").isPositive();
            await().atMost(Duration.ofSeconds(10)).until(() -> smsc.receiptsAcked() >= 2_000);
            assertThat(smsc.receiptsAcked()).isEqualTo(2_000);
            assertThat(app.count("select count(*) from pending_report")).isZero();
        }
    }

    /**
     * A 10,000 broadcast on PostgreSQL with jSMPP's receiving queue as Hermod sizes it by default: the SMSC sends each
     * receipt as soon as it accepted the submit, so receipts race the submit responses and the recording of the ids
     * (before, during and after its transaction); every one is applied and none is refused or left pending.
     */
    @Test
    void everyReceiptOfATenThousandBroadcastIsApplied() throws Exception {
        try (TestSmsc smsc = new TestSmsc("school", "s3cretpw", 8);
             HermodApp app = HermodApp.on(TestDatabases.postgres())
                     .with(CH + "name", "smpp1").with(CH + "host", "127.0.0.1")
                     .with(CH + "port", Integer.toString(smsc.port())).with(CH + "system-id", "school")
                     .with(CH + "password", "s3cretpw").with(CH + "binds", "2").with(CH + "window", "50")
                     .start()) {
            smsc.autoReceipts(true);
            await().atMost(Duration.ofSeconds(10)).until(() -> smsc.bound() == 2);
            app.seedUsers(10_000, "+4526");
            Http.Response r = app.admin().post("/api/sms", """
                    {"tenant": "default", "everyone": true, "priority": "EMERGENCY", "channel": "smpp1", "text": "Alle"}""");
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
            await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(180)).until(() ->
                    app.count("select count(*) from sms where status = 'DELIVERED'") == 10_000);
            // a receipt is applied before Hermod's deliver_sm_resp reaches the SMSC: wait for the last answers
            await().atMost(Duration.ofSeconds(10)).until(() -> smsc.receiptsAcked() >= 10_000);
            assertThat(smsc.receiptsAcked()).isEqualTo(10_000);
            assertThat(smsc.receiptsRefused()).as("the default receiving queue fits a broadcast").isZero();
            assertThat(app.count("select count(*) from pending_report")).isZero();
        }
    }
}
