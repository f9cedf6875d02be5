package org.hermod.outbox;

import java.time.Instant;

/** Search criteria for the SMS list; null fields do not filter. */
public record SmsQuery(String tenant, SmsStatus status, Instant from, Instant to, String recipient, String text,
                       int limit, int offset) {
}
