package org.hermod.outbox;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How each channel's recent batches went, as the dispatcher saw them: a channel whose last batch had SMS that could
 * not be sent for a transient reason (a provider outage, a hung SMSC) and none that went through is failing. Read by
 * {@link ChannelHealthCheck}; kept in memory, per process.
 */
public final class ChannelHealth {

    /** One channel's state: failing since {@code failingSince} (null while it works), with the last error. */
    public record State(Instant failingSince, int failedBatches, String lastError, Instant lastSuccess) {
        public boolean failing() {
            return failingSince != null;
        }
    }

    private final Map<String, State> states = new ConcurrentHashMap<>();

    /** Records a batch: {@code answered} SMS the channel took or refused for good, {@code transientFailures} not sent. */
    void batch(String channel, int answered, int transientFailures, String error, Instant now) {
        states.compute(channel, (k, s) -> {
            if (answered > 0 || transientFailures == 0) {
                return new State(null, 0, null, answered > 0 ? now : s == null ? null : s.lastSuccess());
            }
            return new State(s == null || s.failingSince() == null ? now : s.failingSince(),
                    s == null ? 1 : s.failedBatches() + 1, error, s == null ? null : s.lastSuccess());
        });
    }

    public State of(String channel) {
        return states.getOrDefault(channel, new State(null, 0, null, null));
    }
}
