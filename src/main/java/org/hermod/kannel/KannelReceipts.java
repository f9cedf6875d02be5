package org.hermod.kannel;

import java.sql.PreparedStatement;
import java.util.List;
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

    private static final String UPDATE = "update kannel_dlr set receipt = ? where done = false and sms_id in "
            + "(select sms_id from sms_part where channel = ? and provider_id = ?)";

    @Override
    public void receipt(String channel, String providerId, String text) {
        jdbc.update(UPDATE, cut(text), channel, providerId);
    }

    /** Receipts that arrived together: one transaction, one batch. */
    @Override
    public void receipts(String channel, List<Receipt> receipts) {
        jdbc.tx(c -> {
            try (PreparedStatement ps = c.prepareStatement(UPDATE)) {
                for (Receipt r : receipts) {
                    Jdbc.bind(ps, cut(r.text()), channel, r.providerId());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    private static String cut(String text) {
        return text.length() <= MAX ? text : text.substring(0, MAX);
    }
}
