package org.hermod.password;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.hermod.api.auth.Passwords;
import org.hermod.db.Jdbc;
import org.hermod.outbox.Dispatcher;
import org.hermod.outbox.Outbox;
import org.hermod.outbox.SealedText;
import org.hermod.outbox.Priority;
import org.hermod.outbox.SendRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a directory user a new temporary password by SMS (welcome SMS, SMS password reset, an operator's resend of
 * either, {@link PasswordResend}): generates it (SecureRandom), stores only its hash on {@code dir_user}, sets it in
 * the directory of record, and queues the SMS to the user's registered number, all in the caller's transaction. The password must not outlive the SMS: the
 * request row is masked at once, and every SMS row is masked ({@link PasswordText#MASK}) as soon as it is final
 * (sent, failed, expired, cancelled), by the dispatcher's SENT listener and by {@link #maskFinal} on a timer.
 * The password is never logged.
 */
public final class TemporaryPasswords implements Dispatcher.SentListener {

    private static final Logger LOG = LoggerFactory.getLogger(TemporaryPasswords.class);

    /** A directory user who is to get a password. */
    public record User(long id, String tenant, String sisId, String account, String givenName) {
    }

    /**
     * One way of handing out passwords ({@link WelcomeSms}, {@link PasswordReset}): {@code name} is the
     * {@code sms_request.requested_by} of its own SMS, {@code template} the name of the tenant's SMS template and
     * {@code defaultText} the text without one, {@code priority} that of its SMS.
     */
    public record Flow(String name, String template, String defaultText, Priority priority) {
    }

    private final SealedText sealer;
    private final Jdbc jdbc;
    private final Clock clock;
    private final Outbox outbox;
    private final DirectoryOfRecord directory;
    private final int length;
    private final String loginUrl;

    public TemporaryPasswords(Jdbc jdbc, Clock clock, Outbox outbox, DirectoryOfRecord directory, int length, String loginUrl,
                              SealedText sealer) {
        this.sealer = sealer;
        this.jdbc = jdbc;
        this.clock = clock;
        this.outbox = outbox;
        this.directory = directory;
        this.length = length;
        this.loginUrl = loginUrl;
    }

    /** A new password and its planned SMS to one user, not yet written anywhere. */
    public record Prepared(User user, String password, Outbox.Plan plan) {
    }

    /**
     * Issues a new password to {@code user} with the text of {@code flow} inside transaction {@code c} and returns the
     * SMS request id ({@code requestedBy} is its {@code requested_by}). Throws (and the caller's transaction rolls back)
     * when the user cannot get an SMS or the directory refuses.
     */
    public long issue(Connection c, User user, Flow flow, String requestedBy) throws SQLException {
        return issue(c, prepare(user, flow), requestedBy);
    }

    /**
     * Draws the password and plans its SMS (the outbox reads the directory on a connection of its own): done before a
     * transaction that holds locks, so that the transaction never waits for a second connection from the pool.
     * Throws when the user cannot get an SMS.
     */
    public Prepared prepare(User user, Flow flow) {
        String template = jdbc.query("select text from sms_template where tenant_id = ? and name = ?",
                rs -> rs.getString(1), user.tenant(), flow.template()).stream().findFirst().orElse(flow.defaultText());
        String password = Passwords.random(length);
        String text = PasswordText.fill(template, user.account(), password, loginUrl, user.givenName());
        Outbox.Plan plan = outbox.plan(new SendRequest(user.tenant(), null, List.of(user.sisId()), null, false, text, null,
                flow.priority(), null, null, null));
        if (plan.accepted() != 1 || plan.recipients().size() != 1) {
            throw new IllegalStateException("user " + user.sisId() + " has no valid mobile number"
                    + plan.skipped().stream().map(s -> " (" + s.reason() + ")").findFirst().orElse(""));
        }
        return new Prepared(user, password, plan);
    }

    /** Queues a prepared password's SMS and sets the password, inside transaction {@code c}; returns the request id. */
    public long issue(Connection c, Prepared prepared, String requestedBy) throws SQLException {
        User user = prepared.user();
        String password = prepared.password();
        Outbox.Plan plan = prepared.plan();
        Instant now = clock.instant();
        // the text with the password is sealed before it reaches the database; the dispatcher opens it for the channel
        long requestId = outbox.send(c, plan.storing(sealer.seal(plan.text().text())), requestedBy).requestId();
        Jdbc.update(c, "update sms_request set text = ? where id = ?", PasswordText.mask(plan.text().text(), password),
                requestId);
        for (long smsId : Jdbc.query(c, "select id from sms where request_id = ?", rs -> rs.getLong(1), requestId)) {
            Jdbc.update(c, "insert into sms_secret (sms_id, masked_text) values (?, ?)", smsId,
                    PasswordText.mask(plan.text().text(), password));
        }
        Jdbc.update(c, "update dir_user set password_hash = ?, password_set_at = ? where id = ?", Passwords.hash(password),
                now, user.id());
        directory.setPassword(user.account(), password); // last: if it refuses, nothing above is committed
        return requestId;
    }

    @Override
    public void sent(String channel, List<Long> smsIds) {
        if (!smsIds.isEmpty()) {
            maskFinal();
        }
    }

    /** Replaces the password in every SMS that is no longer queued or being sent; returns how many. */
    public int maskFinal() {
        Instant now = clock.instant();
        int masked = jdbc.tx(c -> {
            List<Long> ids = Jdbc.query(c, "select s.sms_id from sms_secret s join sms m on m.id = s.sms_id "
                    + "where s.masked_at is null and m.status not in ('QUEUED', 'SENDING')", rs -> rs.getLong(1));
            for (long id : ids) {
                Jdbc.update(c, "update sms set text = (select masked_text from sms_secret where sms_id = ?) where id = ?", id, id);
                Jdbc.update(c, "update sms_secret set masked_at = ? where sms_id = ?", now, id);
            }
            return ids.size();
        });
        if (masked > 0) {
            LOG.debug("Masked the password in {} final SMS", masked);
        }
        return masked;
    }
}
