package org.hermod.outbox;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import org.hermod.db.Database;

/** One outbox row as the API shows it. */
public record SmsRecord(
        long id, String tenant, Long requestId, String recipient, String text, String encoding, int segments,
        SmsStatus status, Priority priority, String channel, int attempts, Instant nextAttemptAt,
        Instant sendBefore, Instant createdAt, Instant sentAt, Instant doneAt, String providerId, String error,
        Long userId, Long groupId, Long resentFrom, java.util.List<SmsAttempt> history) {

    /** The same SMS with its attempt history (shown for one SMS, not in lists). */
    SmsRecord withHistory(java.util.List<SmsAttempt> attempts) {
        return new SmsRecord(id, tenant, requestId, recipient, text, encoding, segments, status, priority, channel,
                this.attempts, nextAttemptAt, sendBefore, createdAt, sentAt, doneAt, providerId, error, userId, groupId,
                resentFrom, attempts);
    }

    /**
     * The text as the API may show it: an SMS carrying a temporary password (welcome, reset) shows its masked
     * text from {@code sms_secret}, also while it is still queued.
     */
    static final String TEXT = "coalesce((select x.masked_text from sms_secret x where x.sms_id = sms.id), sms.text)";

    static final String COLUMNS = "id, tenant_id, request_id, recipient, " + TEXT + " as text, encoding, segments, status, priority, "
            + "channel, attempts, next_attempt_at, send_before, created_at, sent_at, done_at, provider_id, error, "
            + "user_id, group_id, resent_from";

    static SmsRecord map(ResultSet rs) throws SQLException {
        return new SmsRecord(rs.getLong("id"), rs.getString("tenant_id"), (Long) rs.getObject("request_id", Long.class),
                rs.getString("recipient"), rs.getString("text"), rs.getString("encoding"), rs.getInt("segments"),
                SmsStatus.valueOf(rs.getString("status")), Priority.of(rs.getInt("priority")), rs.getString("channel"),
                rs.getInt("attempts"), Database.instant(rs, "next_attempt_at"), Database.instant(rs, "send_before"),
                Database.instant(rs, "created_at"), Database.instant(rs, "sent_at"), Database.instant(rs, "done_at"),
                rs.getString("provider_id"), rs.getString("error"), rs.getObject("user_id", Long.class),
                rs.getObject("group_id", Long.class), rs.getObject("resent_from", Long.class), null);
    }
}
