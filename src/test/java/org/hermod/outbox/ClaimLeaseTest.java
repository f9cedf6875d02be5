package org.hermod.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.hermod.channel.OutgoingSms;
import org.hermod.channel.SendOutcome;
import org.hermod.channel.SmsChannel;
import org.hermod.testing.HermodApp;
import org.hermod.testing.Http;
import org.hermod.testing.ScriptedChannel;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * A claim is a lease its live owner renews: a channel that hangs for several claim timeouts does not have its
 * batch queued again and sent a second time by the same process. Before the lease, housekeeping re-queued the
 * batch by the age of its claim alone; the dispatcher sent it again once the channel came back, and the first
 * attempt's outcome was thrown away.
 */
class ClaimLeaseTest {

    /** Holds the first batch until the test lets it go, as an SMSC that binds but does not answer would. */
    private static final class HangingChannel implements SmsChannel {
        final ScriptedChannel inner = new ScriptedChannel("hanging");
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public List<SendOutcome> send(List<OutgoingSms> batch) {
            if (entered.getCount() > 0) {
                entered.countDown();
                try {
                    release.await(1, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return inner.send(batch);
        }
    }

    @Test
    void aChannelHungForLongerThanTheClaimTimeoutSendsEachSmsOnce() throws Exception {
        HangingChannel channel = new HangingChannel();
        try (HermodApp app = HermodApp.on(TestDatabases.h2()).bean("hangingChannel", channel)
                .with("hermod.outbox.default-channel", "hanging")
                .with("hermod.outbox.claim-timeout", "1s")
                .with("hermod.outbox.lease-renewal", "200ms")
                .with("hermod.jobs.outbox-housekeeping.schedule", "* * * * * ?").start()) {
            Http admin = app.admin();
            Http.Response r = admin.post("/api/sms", "{\"tenant\":\"default\",\"to\":[\"+4529000001\",\"+4529000002\","
                    + "\"+4529000003\"],\"text\":\"x\"}");
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
            assertThat(channel.entered.await(10, TimeUnit.SECONDS)).isTrue();
            long runsBefore = admin.get("/api/jobs/outbox-housekeeping").json().get("runCount").asLong();
            // housekeeping runs at least three times while the batch is held, each past the 1 s claim timeout
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    admin.get("/api/jobs/outbox-housekeeping").json().get("runCount").asLong() >= runsBefore + 3);
            assertThat(app.count("select count(*) from sms where status = 'SENDING'")).isEqualTo(3);
            channel.release.countDown();

            await().atMost(Duration.ofSeconds(10)).until(() ->
                    app.count("select count(*) from sms where status = 'SENT'") == 3);
            // give a wrongly re-queued copy every chance to go out: two more housekeeping runs and dispatch polls
            long runsAfter = admin.get("/api/jobs/outbox-housekeeping").json().get("runCount").asLong();
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    admin.get("/api/jobs/outbox-housekeeping").json().get("runCount").asLong() >= runsAfter + 2);
            assertThat(channel.inner.received).extracting(OutgoingSms::recipient)
                    .containsExactlyInAnyOrder("+4529000001", "+4529000002", "+4529000003");
            assertThat(app.count("select count(*) from sms_attempt where error like '%in doubt%'")).isZero();
            // the lease is not a job: nobody can deactivate it through the API and have live claims taken
            assertThat(admin.get("/api/jobs/outbox-lease").status()).isEqualTo(404);
            assertThat(admin.put("/api/jobs/outbox-lease", "{\"active\":false}").status()).isEqualTo(404);
        }
    }
}
