package org.hermod.password;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.hermod.Problem;
import org.hermod.db.Jdbc;
import org.hermod.outbox.SecretReissuer;
import org.hermod.outbox.SmsRecord;
import org.hermod.tenant.Tenants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An operator's resend ({@code POST /api/sms/resend}) of an SMS that carried a temporary password. Its text is masked,
 * so instead of a copy the SMS's user gets a new password exactly as the flow that sent the old SMS hands one out
 * ({@link TemporaryPasswords#issue} with that flow's template and priority: only the hash on the user, set in the
 * directory of record, masked request and {@code sms_secret} rows, masked once final). The new SMS is a new request
 * {@code requested_by = 'resend:<operator>'} (the operator asked for it; the flow is found again through
 * {@code resent_from}), its {@code resent_from} the old SMS. A resent reset is also a {@code SENT} row of
 * {@code password_reset}, as every reset is. {@code welcomed_at} keeps the first welcome.
 *
 * <p>Refused (the outbox answers 409): the SMS's user is gone, has ended (the last day counts) or has no account, the
 * SMS is of no known flow, or the new password cannot be issued (no valid mobile number, the directory refuses).
 */
public final class PasswordResend implements SecretReissuer {

    private static final Logger LOG = LoggerFactory.getLogger(PasswordResend.class);
    public static final String REQUESTED_BY_PREFIX = "resend:";

    private record Owner(TemporaryPasswords.User user, LocalDate endDate) {
    }

    private record Origin(String requestedBy, Long resentFrom) {
    }

    private final Clock clock;
    private final Tenants tenants;
    private final TemporaryPasswords passwords;
    private final PasswordReset reset;
    private final Map<String, TemporaryPasswords.Flow> flows;

    public PasswordResend(Clock clock, Tenants tenants, TemporaryPasswords passwords, WelcomeSms welcome,
                          PasswordReset reset) {
        this.clock = clock;
        this.tenants = tenants;
        this.passwords = passwords;
        this.reset = reset;
        this.flows = Map.of(welcome.flow().name(), welcome.flow(), reset.flow().name(), reset.flow());
    }

    @Override
    public void check(Connection c, SmsRecord old) throws SQLException {
        flow(c, old);
        owner(c, old);
    }

    @Override
    public long reissue(Connection c, SmsRecord old, String operator) throws SQLException {
        TemporaryPasswords.Flow flow = flow(c, old);
        TemporaryPasswords.User user = owner(c, old);
        long request;
        try {
            request = passwords.issue(c, user, flow, REQUESTED_BY_PREFIX + operator);
        } catch (IllegalStateException | Problem e) {
            throw new Refused("carried a temporary password, and no new one could be issued: " + e.getMessage());
        }
        if (flow == reset.flow()) {
            reset.resent(c, user, operator, old.id(), request);
        }
        long sms = Jdbc.query(c, "select id from sms where request_id = ?", rs -> rs.getLong(1), request).get(0);
        Jdbc.update(c, "update sms set resent_from = ? where id = ?", old.id(), sms);
        LOG.info("SMS {} ({}) of user {} of tenant {} resent by {} with a new password: SMS {}", old.id(), flow.name(),
                user.sisId(), user.tenant(), operator, sms);
        return sms;
    }

    /**
     * The flow that sent {@code old}: the {@code requested_by} of its request, or, for an SMS that was itself resent
     * (requested by an operator), that of the first SMS its {@code resent_from} lead back to.
     */
    private TemporaryPasswords.Flow flow(Connection c, SmsRecord old) throws SQLException {
        Long id = old.id();
        while (id != null) {
            List<Origin> found = Jdbc.query(c, "select r.requested_by, s.resent_from from sms s "
                    + "left join sms_request r on r.id = s.request_id where s.id = ?",
                    rs -> new Origin(rs.getString(1), rs.getObject(2, Long.class)), id);
            if (found.isEmpty()) {
                break;
            }
            TemporaryPasswords.Flow flow = flows.get(found.get(0).requestedBy());
            if (flow != null) {
                return flow;
            }
            Long from = found.get(0).resentFrom();
            id = from != null && from < id ? from : null; // resent_from always points back: no loop
        }
        throw new Refused("carried a temporary password from no known flow (" + flows.keySet() + "); no new password is issued");
    }

    /** The SMS's user if it may get a new password now; refused when gone, ended or without an account. */
    private TemporaryPasswords.User owner(Connection c, SmsRecord old) throws SQLException {
        List<Owner> found = old.userId() == null ? List.of() : Jdbc.query(c, "select id, tenant_id, sis_id, account, "
                + "given_name, end_date from dir_user where id = ?", rs -> new Owner(new TemporaryPasswords.User(rs.getLong(1),
                rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)), rs.getObject(6, LocalDate.class)),
                old.userId());
        if (found.isEmpty()) {
            throw new Refused("carried a temporary password, and its user is no longer in the directory; no new password is issued");
        }
        TemporaryPasswords.User user = found.get(0).user();
        LocalDate endDate = found.get(0).endDate();
        LocalDate today = LocalDate.ofInstant(clock.instant(), tenants.find(user.tenant()).map(Tenants.Tenant::zone)
                .orElse(ZoneOffset.UTC));
        if (endDate != null && endDate.isBefore(today)) {
            throw new Refused("carried a temporary password, and its user " + user.sisId() + " ended on " + endDate
                    + "; no new password is issued");
        }
        if (user.account() == null) {
            throw new Refused("carried a temporary password, and its user " + user.sisId() + " has no account; no new "
                    + "password is issued");
        }
        return user;
    }
}
