package org.hermod.outbox;

import java.util.Set;

/** Life of an outbox SMS. UNKNOWN: it was being sent when a process died and is not resent automatically. */
public enum SmsStatus {
    QUEUED, SENDING, SENT, DELIVERED, FAILED, EXPIRED, CANCELLED, UNKNOWN,
    /**
     * Sent, but no status report came in time (a GSM modem's {@code report-timeout}): final. Whether it reached the
     * phone is not known; the SMS left Hermod and the network accepted it.
     */
    NO_REPORT;

    /** Statuses whose SMS may be copied into a new one by "resend" (seed 002, "Erneut versenden"). */
    public static final Set<SmsStatus> RESENDABLE = Set.of(FAILED, EXPIRED, SENT, DELIVERED, UNKNOWN, NO_REPORT);
}
