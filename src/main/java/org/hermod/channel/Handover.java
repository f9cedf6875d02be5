package org.hermod.channel;

import java.util.List;

/**
 * Where a channel says which SMS it is about to put on the wire, before it does, and what came back so far. The
 * outbox stores that durably and returns; if the process dies afterwards, only the SMS marked here and not yet
 * answered here are in doubt (they may have left), and every other SMS of the claimed batch is known either not to
 * have left or to have its outcome stored. A channel that cannot mark (the database is gone) must not send what it
 * could not mark: {@link #record} then throws. The channel still returns every outcome from its {@code send}.
 */
@FunctionalInterface
public interface Handover {

    /** Records, in one commit, that {@code handing} are being handed to the peer and the outcomes {@code answered}. */
    void record(List<Long> handing, List<SendOutcome> answered);

    /** Records that these SMS are being handed to the peer; returns once that is committed. */
    default void handing(List<Long> smsIds) {
        record(smsIds, List.of());
    }

    /** Thrown by {@link #handing} when the mark could not be stored: none of those SMS may be sent. */
    final class Failed extends RuntimeException {
        public Failed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** For tests and tools that send outside the outbox: nothing to record. */
    Handover NONE = (handing, answered) -> { };
}
