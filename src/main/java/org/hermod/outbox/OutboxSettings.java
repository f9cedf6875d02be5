package org.hermod.outbox;

import java.time.Duration;
import org.hermod.config.Settings;

/** The {@code hermod.outbox.*} keys, read and checked once at start-up. */
public record OutboxSettings(
        Duration maxAge,
        String fixedText,
        int maxSegments,
        String defaultCountryCode,
        String defaultChannel,
        int batchSize,
        int maxAttempts,
        Duration retryBackoff,
        Duration retryBackoffMax,
        Duration claimTimeout,
        InDoubt inDoubt,
        int maxRatePerSecond,
        int maxRecipients) {

    /** What to do with an SMS found in SENDING after its claim ran out (a crashed process). */
    public enum InDoubt { RESEND, UNKNOWN }

    public static OutboxSettings from(Settings s) {
        Duration claimTimeout = s.duration("hermod.outbox.claim-timeout");
        Duration leaseRenewal = s.duration("hermod.outbox.lease-renewal");
        if (leaseRenewal.multipliedBy(3).compareTo(claimTimeout) > 0) {
            throw new org.hermod.config.ConfigException("hermod.outbox.lease-renewal", "must be at most a third of "
                    + "hermod.outbox.claim-timeout (" + claimTimeout + "), or a live process's claims would be taken "
                    + "from it; was " + leaseRenewal);
        }
        return new OutboxSettings(
                s.duration("hermod.outbox.max-age"),
                s.string("hermod.outbox.fixed-text", ""),
                s.integer("hermod.outbox.max-segments", 1, 255),
                s.string("hermod.outbox.default-country-code"),
                s.string("hermod.outbox.default-channel"),
                s.integer("hermod.outbox.batch-size", 1, 10_000),
                s.integer("hermod.outbox.max-attempts", 1, 1_000),
                s.duration("hermod.outbox.retry-backoff"),
                s.duration("hermod.outbox.retry-backoff-max"),
                claimTimeout,
                s.choice("hermod.outbox.in-doubt", InDoubt.class),
                s.integer("hermod.outbox.max-rate", 0, 1_000_000),
                s.integer("hermod.outbox.max-recipients", 1, 10_000_000));
    }

    /** The text as sent: the fixed text of seed 002 ("Fixtext am Ende") appended on its own line. */
    public String finalText(String text) {
        return fixedText.isEmpty() ? text : text + "\n" + fixedText;
    }

    /** Exponential backoff after the given number of attempts, capped. */
    public Duration backoff(int attempts) {
        long factor = 1L << Math.min(Math.max(attempts - 1, 0), 20);
        Duration d = retryBackoff.multipliedBy(factor);
        return d.compareTo(retryBackoffMax) > 0 ? retryBackoffMax : d;
    }
}
