package org.hermod.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.hermod.channel.OutgoingSms;
import org.hermod.channel.SendOutcome;
import org.hermod.channel.SmsChannel;
import org.hermod.testing.HermodApp;
import org.hermod.testing.Http;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * A channel whose link drops in the middle of a broadcast (an SMPP bind lost) leaves the rest of the broadcast
 * queued without spending their attempts, as docs/SMPP.md promises. Before, the dispatcher checked the link
 * once per run and went on claiming batch after batch, and the SMPP channel answered each with a retry ("no
 * bind"): every queued SMS lost an attempt, and an outage longer than max-attempts runs failed them all.
 */
class LinkLossTest {

    /** Accepts its first batch, then reports its link down and answers as SMPP does without a bind. */
    private static final class DroppingChannel implements SmsChannel {
        final AtomicBoolean up = new AtomicBoolean(true);
        final AtomicInteger batches = new AtomicInteger();

        @Override
        public String name() {
            return "dropping";
        }

        @Override
        public boolean ready() {
            return up.get();
        }

        @Override
        public int maxBatch() {
            return 5;
        }

        @Override
        public List<SendOutcome> send(List<OutgoingSms> batch) {
            boolean wasUp = up.getAndSet(false);
            batches.incrementAndGet();
            return batch.stream().map(s -> wasUp ? SendOutcome.sent(s.id(), "id-" + s.id())
                    : SendOutcome.notSent(s.id(), "no bind")).toList();
        }
    }

    @Test
    void smsQueuedBehindALostLinkWaitWithoutSpendingAttempts() {
        DroppingChannel channel = new DroppingChannel();
        try (HermodApp app = HermodApp.on(TestDatabases.h2()).bean("droppingChannel", channel)
                .with("hermod.outbox.default-channel", "dropping").start()) {
            app.seedUsers(40, "+4526");
            Http.Response r = app.admin().post("/api/sms", "{\"tenant\":\"default\",\"everyone\":true,\"text\":\"x\"}");
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    app.count("select count(*) from sms where status = 'SENT'") == 5);
            // several more dispatcher polls while the link is down
            await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> true);

            assertThat(channel.batches.get()).as("batches handed to a channel that is down").isEqualTo(1);
            assertThat(app.count("select count(*) from sms where status = 'QUEUED' and attempts = 0")).isEqualTo(35);

            channel.up.set(true); // the bind is back: the next batch goes, still on its first attempt
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    app.count("select count(*) from sms where status = 'SENT'") == 10);
            assertThat(app.count("select max(attempts) from sms where status = 'SENT'")).isEqualTo(1);
        }
    }
}
