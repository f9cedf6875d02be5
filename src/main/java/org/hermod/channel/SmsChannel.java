package org.hermod.channel;

import java.util.List;

/**
 * A way out for SMS: the smstools3 spool, SMPP, a web SMS API, a GSM modem. The dispatcher hands a channel
 * a claimed batch and gets one {@link SendOutcome} per SMS back, in any order; a channel may pipeline the
 * batch internally (an SMPP window) but must return only when every SMS of the batch has an outcome.
 */
public interface SmsChannel {

    String name();

    List<SendOutcome> send(List<OutgoingSms> batch);

    /**
     * What the dispatcher calls: sends the batch, telling {@code handover} first which SMS go onto the wire, so that
     * after a crash only those are in doubt. This default marks the whole batch before {@link #send(List)}; a
     * channel that pipelines many SMS overrides it to mark them a window at a time ({@link HandoverGate}).
     */
    default List<SendOutcome> send(List<OutgoingSms> batch, Handover handover) {
        handover.handing(batch.stream().map(OutgoingSms::id).toList());
        return send(batch);
    }

    /**
     * Whether the channel can take a batch now. While it cannot (an SMPP link is down and reconnecting), the
     * dispatcher claims nothing (it asks before every batch), so queued SMS wait without spending attempts. An SMS
     * the channel took but could not hand on at all is answered {@link SendOutcome#notSent}.
     */
    default boolean ready() {
        return true;
    }

    /**
     * The most SMS this channel takes in one batch; the dispatcher claims no more than this (nor more than
     * {@code hermod.outbox.batch-size}). A slow channel (a GSM modem, a few SMS a minute) keeps it small so
     * its claimed SMS do not wait in SENDING for minutes.
     */
    default int maxBatch() {
        return Integer.MAX_VALUE;
    }

    /**
     * How many dispatcher routes claim for this channel at once. With more than one, the database work of one
     * batch (claim, store outcomes) overlaps the sending of another; the claim's SKIP LOCKED keeps them apart.
     */
    default int dispatchers() {
        return 1;
    }
}
