package org.hermod.channel;

import java.util.List;

/**
 * Told the text of every final delivery receipt a channel receives, before the outbox applies it: for an
 * integration that hands the receipt on as it came (Kannel's {@code %A}). Must not throw for an id it does not know.
 */
public interface ReceiptListener {

    ReceiptListener NONE = (channel, providerId, text) -> { };

    /** A receipt's text, for the message {@code providerId}. */
    record Receipt(String providerId, String text) {
    }

    void receipt(String channel, String providerId, String text);

    /** Receipts of one channel that arrived together; one by one unless the listener can do better. */
    default void receipts(String channel, List<Receipt> receipts) {
        receipts.forEach(r -> receipt(channel, r.providerId(), r.text()));
    }
}
