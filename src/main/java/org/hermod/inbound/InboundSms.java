package org.hermod.inbound;

import java.time.Instant;

/** One SMS received on a channel. {@code providerId} identifies it on that channel (idempotency key). */
public record InboundSms(long id, String channel, String providerId, String sender, String recipient, String text,
                         Instant receivedAt) {

    /** The first word, upper-cased: what the keyword router dispatches on. */
    public String keyword() {
        String trimmed = text.strip();
        int space = trimmed.indexOf(' ');
        return (space < 0 ? trimmed : trimmed.substring(0, space)).toUpperCase();
    }
}
