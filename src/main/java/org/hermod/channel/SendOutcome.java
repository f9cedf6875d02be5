package org.hermod.channel;

/** What happened to one SMS handed to a channel. */
public record SendOutcome(long id, Result result, String providerId, String error) {

    public enum Result {
        /** Accepted by the channel or the provider. */
        SENT,
        /** Not sent this time, may succeed later (throttled, link down, timeout). */
        RETRY,
        /** Will never succeed as it is (invalid destination, rejected text). */
        FAILED,
        /** Never left Hermod (no bind, the link dropped before the submit): queued again, no attempt spent. */
        NOT_SENT,
        /**
         * Handed to the peer but not answered (no submit response, the link dropped after the submit): it may have
         * left. Treated as {@code hermod.outbox.in-doubt} says, like the SMS of a process that died while sending.
         */
        IN_DOUBT
    }

    public static SendOutcome sent(long id, String providerId) {
        return new SendOutcome(id, Result.SENT, providerId, null);
    }

    public static SendOutcome retry(long id, String reason) {
        return new SendOutcome(id, Result.RETRY, null, reason);
    }

    public static SendOutcome notSent(long id, String reason) {
        return new SendOutcome(id, Result.NOT_SENT, null, reason);
    }

    public static SendOutcome inDoubt(long id, String reason) {
        return new SendOutcome(id, Result.IN_DOUBT, null, reason);
    }

    public static SendOutcome failed(long id, String reason) {
        return new SendOutcome(id, Result.FAILED, null, reason);
    }
}
