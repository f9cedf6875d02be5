package org.hermod.outbox;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What {@link Outbox#resend} does with an SMS that carried a secret (a row in {@code sms_secret}: a welcome SMS or a
 * password reset): its text is masked, so copying it would send {@code ********}; the secret must be issued anew
 * instead. The outbox only knows that an SMS carried a secret; who issues secrets ({@code org.hermod.password}) sends
 * through the outbox, so it implements this and is handed to {@link Outbox#reissueSecretsWith} at wiring time. The
 * dependency stays one-way: the outbox never names the password package.
 */
public interface SecretReissuer {

    /** Nothing wired: an SMS that carried a secret cannot be resent. */
    SecretReissuer NONE = new SecretReissuer() {
        @Override
        public void check(Connection c, SmsRecord old) {
            throw new Refused("carried a secret, and nothing here can issue a new one");
        }

        @Override
        public long reissue(Connection c, SmsRecord old, String operator) {
            throw new Refused("carried a secret, and nothing here can issue a new one");
        }
    };

    /** Why an SMS cannot be resent now; the outbox answers 409 naming the SMS and this reason. */
    final class Refused extends RuntimeException {
        public Refused(String reason) {
            super(reason);
        }
    }

    /**
     * Throws {@link Refused} when {@code old} cannot get a new secret now. Writes nothing and sets nothing outside the
     * database: the outbox checks every SMS of a resend before it reissues any.
     */
    void check(Connection c, SmsRecord old) throws SQLException;

    /**
     * Queues, inside transaction {@code c}, a new SMS with a new secret in place of {@code old} ({@code resent_from}
     * pointing at it), resent by {@code operator}; returns its id. Throws {@link Refused} when it turns out impossible.
     */
    long reissue(Connection c, SmsRecord old, String operator) throws SQLException;
}
