package org.hermod.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class QuietHoursTest {

    private final QuietHours night = new QuietHours(ZoneId.of("Europe/Copenhagen"), LocalTime.of(21, 0), LocalTime.of(7, 0));

    @Test
    void aWindowOverMidnightHoldsUntilItsEnd() {
        assertThat(night.nextAllowed(Instant.parse("2026-11-24T20:30:00Z"))).isEqualTo("2026-11-25T06:00:00Z");
        assertThat(night.nextAllowed(Instant.parse("2026-11-25T03:00:00Z"))).isEqualTo("2026-11-25T06:00:00Z");
        assertThat(night.nextAllowed(Instant.parse("2026-11-25T06:00:00Z"))).isEqualTo("2026-11-25T06:00:00Z");
        assertThat(night.nextAllowed(Instant.parse("2026-11-25T12:00:00Z"))).isEqualTo("2026-11-25T12:00:00Z");
    }

    @Test
    void daylightSavingTimeIsTheTenantsLocalTime() {
        // 21:30 in Copenhagen in summer is 19:30 UTC; the window ends at 07:00 CEST = 05:00 UTC
        assertThat(night.nextAllowed(Instant.parse("2026-07-01T19:30:00Z"))).isEqualTo("2026-07-02T05:00:00Z");
    }

    @Test
    void aDaytimeWindowAndNoWindow() {
        QuietHours lunch = new QuietHours(ZoneId.of("UTC"), LocalTime.of(12, 0), LocalTime.of(13, 0));
        assertThat(lunch.nextAllowed(Instant.parse("2026-01-01T12:30:00Z"))).isEqualTo("2026-01-01T13:00:00Z");
        assertThat(lunch.nextAllowed(Instant.parse("2026-01-01T13:30:00Z"))).isEqualTo("2026-01-01T13:30:00Z");
        assertThat(QuietHours.NONE.nextAllowed(Instant.parse("2026-01-01T23:00:00Z"))).isEqualTo("2026-01-01T23:00:00Z");
    }
}
