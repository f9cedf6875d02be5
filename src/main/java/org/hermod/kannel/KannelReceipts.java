package org.hermod.kannel;

import org.hermod.channel.ReceiptListener;
import org.hermod.db.Jdbc;

/**
 * Keeps the text of an SMSC's final receipt on the Kannel callback of its SMS, for {@code %A}: Kannel gives the
 * receipt's short message as it came. One update per receipt, matching nothing for SMS not sent through sendsms
 * with a dlr-url. A receipt that arrives before its submit_sm_resp was recorded finds no SMS; that callback then
 * has the state as %A (Kannel loses such a report altogether).
 */
public final class KannelReceipts implements ReceiptListener {

    private static final int MAX = 500;
    private final Jdbc jdbc;

    public KannelReceipts(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void receipt(String channel, String providerId, String text) {
        jdbc.update("update kannel_dlr set receipt = ? where done = false and sms_id in "
                + "(select sms_id from sms_part where channel = ? and provider_id = ?)",
                text.length() <= MAX ? text : text.substring(0, MAX), channel, providerId);
    }
}
