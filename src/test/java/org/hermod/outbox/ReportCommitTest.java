package org.hermod.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.hermod.channel.ReceiptListener;
import org.hermod.config.Settings;
import org.hermod.db.Database;
import org.hermod.db.Jdbc;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * Receipts that arrive together are stored in one group; each caller returns only once its receipt is committed, and
 * a receipt that cannot be stored fails alone (its deliver_sm is refused and delivered again) while the rest of its
 * group is stored.
 */
class ReportCommitTest {

    private static final int N = 40;

    @Test
    void receiptsArrivingTogetherAreStoredTogetherAndAPoisonedOneFailsAlone() throws Exception {
        Jdbc jdbc = new Jdbc(Database.open(new Settings(key -> Optional.ofNullable(Map.of(
                "hermod.db.url", TestDatabases.h2(), "hermod.db.pool-size", "4").get(key)))));
        Instant now = Instant.parse("2026-12-02T10:00:00Z");
        jdbc.update("insert into tenant (id, name, created_at) values ('t', 't', ?)", now);
        for (long id = 1; id <= N; id++) {
            jdbc.update("insert into sms (id, tenant_id, recipient, text, encoding, segments, status, priority, channel, "
                    + "next_attempt_at, created_at) values (?, 't', ?, 'x', 'GSM7', 1, 'SENT', 1, 'smpp1', ?, ?)",
                    id, "+4520" + (100000 + id), now, now);
        }
        DeliveryReports reports = new DeliveryReports(jdbc, Clock.systemUTC());
        List<DeliveryReports.Part> parts = new ArrayList<>();
        for (long id = 1; id <= N; id++) {
            parts.add(new DeliveryReports.Part(id, "m" + id, 1, 1, "+4520" + (100000 + id)));
        }
        reports.recordParts("smpp1", parts);
        List<Integer> groups = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch allWaiting = new CountDownLatch(1);
        ReceiptListener listener = new ReceiptListener() {
            @Override
            public void receipt(String channel, String providerId, String text) {
                receipts(channel, List.of(new Receipt(providerId, text)));
            }

            @Override
            public void receipts(String channel, List<Receipt> receipts) {
                try {
                    allWaiting.await(10, TimeUnit.SECONDS); // the first group waits until every caller has handed over
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                groups.add(receipts.size());
                if (receipts.stream().anyMatch(r -> r.providerId().equals("m7"))) {
                    throw new IllegalStateException("m7 cannot be stored");
                }
            }
        };
        ExecutorService threads = Executors.newFixedThreadPool(N);
        try (ReportCommit commit = new ReportCommit(reports, listener, 2 * N, "test")) {
            List<CompletableFuture<Boolean>> answers = new ArrayList<>();
            for (long id = 1; id <= N; id++) {
                DeliveryReports.Incoming r = new DeliveryReports.Incoming("smpp1", "m" + id, "4520" + (100000 + id),
                        DeliveryReports.Report.delivered());
                answers.add(CompletableFuture.supplyAsync(() -> commit.apply(new ReportCommit.Received(r, "stat:DELIVRD")),
                        threads));
            }
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                    answers.stream().filter(CompletableFuture::isDone).count() == 0 && callersWaiting() == N);
            allWaiting.countDown();
            for (int i = 0; i < N; i++) {
                CompletableFuture<Boolean> answer = answers.get(i);
                if (i == 6) {
                    assertThatThrownBy(answer::join).hasMessageContaining("m7 cannot be stored");
                } else {
                    assertThat(answer.get(10, TimeUnit.SECONDS)).as("receipt m%d", i + 1).isTrue();
                }
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(groups).as("receipts stored together, and m7's group again one by one").anyMatch(g -> g > 1)
                .contains(1).hasSizeLessThan(2 * N);
        assertThat(jdbc.query("select count(*) from sms where status = 'DELIVERED'", rs -> rs.getLong(1)))
                .containsExactly((long) N - 1);
        assertThat(jdbc.query("select status from sms where id = 7", rs -> rs.getString(1))).containsExactly("SENT");
    }

    private static int callersWaiting() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING)
                .filter(t -> java.util.Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getClassName().equals(
                        ReportCommit.class.getName()) && f.getMethodName().equals("apply")))
                .count();
    }
}
