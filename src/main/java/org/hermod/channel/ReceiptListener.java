package org.hermod.channel;

/**
 * Told the text of every final delivery receipt a channel receives, before the outbox applies it: for an
 * integration that hands the receipt on as it came (Kannel's {@code %A}). Must not throw for an id it does not know.
 */
public interface ReceiptListener {

    ReceiptListener NONE = (channel, providerId, text) -> { };

    void receipt(String channel, String providerId, String text);
}
