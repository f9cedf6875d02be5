package org.hermod.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.hermod.config.Settings;
import org.hermod.db.Database;
import org.hermod.db.Jdbc;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * Races between a channel recording the provider ids of SMS it just sent and receipts for those ids arriving at
 * the same moment, and the one the dispatcher's listener leaves (a report stored on its part after the SMS
 * became SENT).
 */
class DeliveryReportsTest {

    private static Jdbc h2() {
        return new Jdbc(Database.open(new Settings(key -> Optional.ofNullable(Map.of(
                "hermod.db.url", TestDatabases.h2(), "hermod.db.pool-size", "4").get(key)))));
    }

    /**
     * Receipts arrive before, during and after the transaction that records their ids: each one is applied,
     * none waits in pending_report. Before the fix, a receipt whose "not known yet" check ran while the ids were
     * being recorded was kept as pending after the recording had already looked for pending ones, and the SMS
     * stayed SENT for ever.
     */
    @Test
    void aReportNamesTheRecipientByItsDigitsOrTheirNationalTail() {
        assertThat(DeliveryReports.sameNumber("4520123456", "+45 20 12 34 56")).isTrue();
        assertThat(DeliveryReports.sameNumber("4520123456", "004520123456")).isTrue();
        assertThat(DeliveryReports.sameNumber("4520123456", "20123456")).as("national form").isTrue();
        assertThat(DeliveryReports.sameNumber("4520123456", "")).as("no address in the report").isTrue();
        assertThat(DeliveryReports.sameNumber("", "4520123456")).as("part recorded before V41").isTrue();
        assertThat(DeliveryReports.sameNumber("4520123456", "4520123457")).isFalse();
        assertThat(DeliveryReports.sameNumber("4520123456", "3456")).as("too short to be a number's tail").isFalse();
    }

    @Test
    void everyReceiptIsAppliedWhenItRacesTheRecordingOfItsId() throws Exception {
        Jdbc jdbc = h2();
        Instant now = Instant.parse("2026-11-24T10:00:00Z");
        int n = 3_000;
        jdbc.update("insert into tenant (id, name, created_at) values ('t', 't', ?)", now);
        jdbc.tx(c -> {
            try (var ps = c.prepareStatement("insert into sms (id, tenant_id, recipient, text, encoding, segments, "
                    + "status, priority, channel, next_attempt_at, created_at) values (?, 't', '+4520112233', 'x', "
                    + "'GSM7', 1, 'SENDING', 1, 'smpp1', ?, ?)")) {
                for (long id = 1; id <= n; id++) {
                    Jdbc.bind(ps, id, now, now);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
        DeliveryReports reports = new DeliveryReports(jdbc, Clock.systemUTC());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        java.util.List<java.util.concurrent.Future<?>> work = new java.util.ArrayList<>();
        work.add(pool.submit(() -> {
            go.await();
            for (long from = 1; from <= n; from += 10) { // one window of submit responses at a time, like SMPP
                java.util.List<DeliveryReports.Part> parts = new java.util.ArrayList<>();
                for (long id = from; id < from + 10; id++) {
                    parts.add(new DeliveryReports.Part(id, "m" + id, 1, 1, "+4520" + id));
                }
                reports.recordParts("smpp1", parts); // the channel, on the submit responses
                java.util.List<Long> ids = parts.stream().map(DeliveryReports.Part::smsId).toList();
                jdbc.update("update sms set status = 'SENT' where id between ? and ?", ids.get(0), ids.get(9));
                reports.sent("smpp1", ids); // the dispatcher, after storing the outcomes
            }
            return null;
        }));
        for (int t = 0; t < 2; t++) {
            int offset = t;
            work.add(pool.submit(() -> {
                go.await();
                for (long id = 1 + offset; id <= n; id += 2) {
                    reports.apply("smpp1", "m" + id, "4520" + id, DeliveryReports.Report.delivered());
                }
                return null;
            }));
        }
        go.countDown();
        for (var f : work) {
            f.get(2, java.util.concurrent.TimeUnit.MINUTES);
        }
        pool.shutdown();

        assertThat(jdbc.query("select count(*) from sms where status = 'DELIVERED'", rs -> rs.getLong(1)))
                .as("not delivered: %s", jdbc.query("select s.id, s.status, p.status, r.status from sms s left join "
                        + "sms_part p on p.sms_id = s.id left join pending_report r on r.provider_id = 'm' || s.id "
                        + "where s.status <> 'DELIVERED'", rs -> rs.getLong(1) + " " + rs.getString(2) + " part "
                        + rs.getString(3) + " kept " + rs.getString(4)))
                .containsExactly((long) n);
        assertThat(reports.pending()).isZero();
    }

    @Test
    void reportsThatNeverMatchAnSmsAreDroppedAfterTheirKeepTime() {
        Jdbc jdbc = h2();
        Instant now = Instant.parse("2026-11-24T10:00:00Z");
        jdbc.update("insert into pending_report (channel, provider_id, status, error, received_at) values "
                + "('smpp1', 'old', 'DELIVERED', null, ?), ('smpp1', 'new', 'DELIVERED', null, ?)",
                now.minus(Duration.ofHours(25)), now.minus(Duration.ofHours(23)));
        DeliveryReports reports = new DeliveryReports(jdbc, Clock.fixed(now, java.time.ZoneOffset.UTC));

        assertThat(reports.expireKept(Duration.ofHours(24))).isEqualTo(1);
        assertThat(jdbc.query("select provider_id from pending_report", rs -> rs.getString(1))).containsExactly("new");
    }

    @Test
    void housekeepingSettlesAReportThatMissedTheSentListener() {
        Jdbc jdbc = h2();
        Instant now = Instant.parse("2026-11-24T10:00:00Z");
        jdbc.update("insert into tenant (id, name, created_at) values ('t', 't', ?)", now);
        for (long id = 1; id <= 2; id++) {
            jdbc.update("insert into sms (id, tenant_id, recipient, text, encoding, segments, status, priority, channel, "
                    + "next_attempt_at, created_at) values (?, 't', '+4520112233', 'x', 'GSM7', 1, 'SENT', 1, 'smpp1', ?, ?)",
                    id, now, now);
        }
        jdbc.update("insert into sms_part (channel, provider_id, sms_id, part_no, parts, status) values "
                + "('smpp1', 'a', 1, 1, 1, 'DELIVERED'), ('smpp1', 'b', 2, 1, 2, 'DELIVERED'), ('smpp1', 'c', 2, 2, 2, null)");
        DeliveryReports reports = new DeliveryReports(jdbc, Clock.systemUTC());

        assertThat(reports.settleReported()).isEqualTo(2);
        assertThat(jdbc.query("select status from sms order by id", rs -> rs.getString(1)))
                .containsExactly("DELIVERED", "SENT"); // SMS 2 still waits for its second part
    }
}
