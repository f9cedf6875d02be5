package org.hermod.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.hermod.config.Settings;
import org.hermod.db.Database;
import org.hermod.db.Jdbc;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.Test;

/** The race the dispatcher's listener leaves: a report stored on its part after the SMS became SENT. */
class DeliveryReportsTest {

    @Test
    void housekeepingSettlesAReportThatMissedTheSentListener() {
        Jdbc jdbc = new Jdbc(Database.open(new Settings(key -> Optional.ofNullable(Map.of(
                "hermod.db.url", TestDatabases.h2(), "hermod.db.pool-size", "2").get(key)))));
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
