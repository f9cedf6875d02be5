package org.hermod.outbox;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * A tenant's nightly window in which ordinary and bulk SMS wait (emergency SMS ignore it), as the
 * send-after/send-before hours of gammu-smsd's SQL outbox. A window may span midnight (21:00-07:00).
 */
public record QuietHours(ZoneId zone, LocalTime start, LocalTime end) {

    public static final QuietHours NONE = new QuietHours(ZoneId.of("UTC"), null, null);

    /** The first instant at or after {@code now} outside the window. */
    public Instant nextAllowed(Instant now) {
        if (start == null || end == null || start.equals(end)) {
            return now;
        }
        ZonedDateTime local = now.atZone(zone);
        LocalTime t = local.toLocalTime();
        boolean spansMidnight = start.isAfter(end);
        boolean quiet = spansMidnight ? !t.isBefore(start) || t.isBefore(end) : !t.isBefore(start) && t.isBefore(end);
        if (!quiet) {
            return now;
        }
        ZonedDateTime endToday = local.with(end).withNano(0);
        ZonedDateTime next = endToday.isAfter(local) ? endToday : endToday.plusDays(1);
        return next.toInstant();
    }
}
