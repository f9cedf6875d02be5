package org.hermod.channel;

import java.util.List;

/**
 * Where a channel says which SMS it is about to put on the wire, before it does. The outbox stores that durably and
 * returns; if the process dies afterwards, only the SMS marked here are in doubt (they may have left), and every
 * other SMS of the claimed batch is known not to have left and is queued again without a doubt. A channel that
 * cannot mark (the database is gone) must not send what it could not mark: {@link #handing} then throws.
 */
@FunctionalInterface
public interface Handover {

    /** Records that these SMS are being handed to the peer; returns once that is committed. */
    void handing(List<Long> smsIds);

    /** Thrown by {@link #handing} when the mark could not be stored: none of those SMS may be sent. */
    final class Failed extends RuntimeException {
        public Failed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** For tests and tools that send outside the outbox: nothing to record. */
    Handover NONE = ids -> { };
}
