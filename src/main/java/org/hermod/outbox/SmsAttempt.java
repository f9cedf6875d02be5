package org.hermod.outbox;

import java.time.Instant;

/** One attempt of an SMS that did not simply succeed: what the channel (or recovery) said, and when. */
public record SmsAttempt(int attempt, Instant at, String channel, String outcome, String error) {
}
