package org.hermod.password;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.hermod.api.auth.Passwords;
import org.hermod.db.Jdbc;
import org.hermod.inbound.InboundSms;
import org.hermod.inbound.KeywordHandler;
import org.hermod.outbox.PhoneNumbers;
import org.hermod.outbox.Priority;
import org.hermod.tenant.Tenants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SMS password reset: an inbound SMS starting with the keyword ({@code hermod.reset.keyword}, default PASSWORD)
 * from a number registered ({@code dir_user.mobile_norm}) to exactly one active user gets that user a new temporary
 * password, texted to the registered number (never to the sender string as received). Unknown numbers, ended users,
 * numbers of several active users, users without an account and attempts over the hourly limits get no SMS and no
 * answer. Every attempt is written to {@code password_reset} with the number masked (and its SHA-256 for the limit).
 * The limits are counted and the password issued under the user's row lock, so they hold for simultaneous SMS.
 */
public final class PasswordReset implements KeywordHandler {

    private static final Logger LOG = LoggerFactory.getLogger(PasswordReset.class);
    public static final String REQUESTED_BY = "password-reset";
    public static final String TEMPLATE = "reset";

    private record Candidate(TemporaryPasswords.User user, LocalDate endDate) {
    }

    private final Jdbc jdbc;
    private final Clock clock;
    private final Tenants tenants;
    private final Supplier<TemporaryPasswords> passwords;
    private final Supplier<PhoneNumbers> numbers;
    private final String keyword;
    private final int maxPerHour;
    private final TemporaryPasswords.Flow flow;

    public PasswordReset(Jdbc jdbc, Clock clock, Tenants tenants, Supplier<TemporaryPasswords> passwords,
                         Supplier<PhoneNumbers> numbers, String keyword, int maxPerHour, String defaultText) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.tenants = tenants;
        this.passwords = passwords;
        this.numbers = numbers;
        this.keyword = keyword.trim().toUpperCase();
        this.maxPerHour = maxPerHour;
        // EMERGENCY: the user is waiting, quiet hours do not hold it
        this.flow = new TemporaryPasswords.Flow(REQUESTED_BY, TEMPLATE, defaultText, Priority.EMERGENCY);
    }

    /** Its SMS: requested by {@value #REQUESTED_BY}, the tenant's template {@value #TEMPLATE}, priority EMERGENCY. */
    public TemporaryPasswords.Flow flow() {
        return flow;
    }

    @Override
    public Set<String> keywords() {
        return Set.of(keyword);
    }

    @Override
    public String name() {
        return "password-reset";
    }

    @Override
    public void handle(InboundSms sms) {
        Instant now = clock.instant();
        List<String> forms = forms(sms.sender());
        String number = forms.isEmpty() ? sms.sender().trim() : forms.get(0);
        String hash = Passwords.sha256(number);
        String masked = PhoneNumbers.mask(number);
        Instant hourAgo = now.minusSeconds(3600);
        if (jdbc.query("select count(*) from password_reset where sender_hash = ? and at > ?", rs -> rs.getLong(1),
                hash, hourAgo).get(0) >= maxPerHour) {
            audit(now, masked, hash, null, "REFUSED", "rate limited: more than " + maxPerHour + " attempts from this number in an hour");
            return;
        }
        List<Candidate> found = forms.isEmpty() ? List.of() : jdbc.query("select id, tenant_id, sis_id, account, given_name, "
                + "end_date from dir_user where mobile_norm in (" + String.join(", ", forms.stream().map(f -> "?").toList())
                + ")", rs -> new Candidate(new TemporaryPasswords.User(rs.getLong(1), rs.getString(2), rs.getString(3),
                rs.getString(4), rs.getString(5)), rs.getObject(6, LocalDate.class)), forms.toArray());
        List<Candidate> active = found.stream().filter(c -> active(c, now)).toList();
        if (active.isEmpty()) {
            audit(now, masked, hash, found.size() == 1 ? found.get(0).user() : null, "REFUSED",
                    found.isEmpty() ? "unknown number" : "the number's user has ended");
            return;
        }
        if (active.size() > 1) {
            audit(now, masked, hash, null, "REFUSED", "number shared by " + active.size() + " active users");
            return;
        }
        TemporaryPasswords.User user = active.get(0).user();
        if (user.account() == null) {
            audit(now, masked, hash, user, "REFUSED", "the user has no account");
            return;
        }
        try {
            TemporaryPasswords.Prepared prepared = passwords.get().prepare(user, flow);
            String refused = jdbc.tx(c -> issueUnderLimits(c, now, masked, hash, prepared));
            if (refused == null) {
                LOG.info("Password reset for user {} of tenant {} from {}: new password queued", user.sisId(), user.tenant(),
                        masked);
            } else {
                LOG.info("Password reset from {} refused: {}", masked, refused);
            }
        } catch (RuntimeException e) {
            audit(now, masked, hash, user, "FAILED", "not reset: " + e.getMessage());
            LOG.warn("Password reset for user {} of tenant {} failed: {}", user.sisId(), user.tenant(), e.getMessage());
        }
    }

    /**
     * Counts and issues in one transaction that holds the user's row lock, so simultaneous attempts for one user are
     * counted one after the other (the count before the lock only spares unknown numbers a lock): the number's attempts
     * and the user's passwords sent. Returns the reason when refused (audited), null when a password was queued.
     */
    private String issueUnderLimits(java.sql.Connection c, Instant now, String masked, String hash,
                                    TemporaryPasswords.Prepared prepared) throws java.sql.SQLException {
        TemporaryPasswords.User user = prepared.user();
        Jdbc.query(c, "select id from dir_user where id = ? for update", rs -> rs.getLong(1), user.id());
        Instant hourAgo = now.minusSeconds(3600);
        String refused = null;
        if (Jdbc.query(c, "select count(*) from password_reset where sender_hash = ? and at > ?", rs -> rs.getLong(1),
                hash, hourAgo).get(0) >= maxPerHour) {
            refused = "rate limited: more than " + maxPerHour + " attempts from this number in an hour";
        } else if (Jdbc.query(c, "select count(*) from password_reset where user_id = ? and outcome = 'SENT' and at > ?",
                rs -> rs.getLong(1), user.id(), hourAgo).get(0) >= maxPerHour) {
            refused = "rate limited: " + maxPerHour + " passwords sent to this user in an hour";
        }
        if (refused != null) {
            insertAudit(c, now, masked, hash, user, "REFUSED", refused);
            return refused;
        }
        long request = passwords.get().issue(c, prepared, REQUESTED_BY);
        insertAudit(c, now, masked, hash, user, "SENT", "new password queued (request " + request + ")");
        return null;
    }

    /**
     * Audits an operator's resend of a reset SMS ({@link PasswordResend}) inside its transaction: a {@code SENT} attempt
     * whose sender is {@code resend:<operator>}. No number hash, so the number's limit is not touched; the user's counts
     * it, as every password sent.
     */
    void resent(java.sql.Connection c, TemporaryPasswords.User user, String operator, long oldSms, long request)
            throws java.sql.SQLException {
        String by = PasswordResend.REQUESTED_BY_PREFIX + operator;
        insertAudit(c, clock.instant(), by.length() > 32 ? by.substring(0, 32) : by, null, user, "SENT",
                "SMS " + oldSms + " resent by " + operator + ": new password queued (request " + request + ")");
    }

    /** The sender in E.164 as the outbox would write it, and (for senders written without '+') '+' and the digits. */
    private List<String> forms(String sender) {
        Set<String> forms = new LinkedHashSet<>();
        try {
            forms.add(numbers.get().normalise(sender));
        } catch (PhoneNumbers.InvalidNumber e) {
            // maybe international without '+': tried below
        }
        String digits = sender == null ? "" : sender.trim();
        if (digits.matches("\\d{8,15}") && !digits.startsWith("0")) {
            forms.add("+" + digits);
        }
        return new ArrayList<>(forms);
    }

    private boolean active(Candidate c, Instant now) {
        LocalDate today = LocalDate.ofInstant(now, tenants.find(c.user().tenant()).map(Tenants.Tenant::zone)
                .orElse(java.time.ZoneOffset.UTC));
        return c.endDate() == null || !c.endDate().isBefore(today);
    }

    private void audit(Instant at, String masked, String hash, TemporaryPasswords.User user, String outcome, String reason) {
        jdbc.tx(c -> {
            insertAudit(c, at, masked, hash, user, outcome, reason);
            return null;
        });
        if (!outcome.equals("SENT")) {
            LOG.info("Password reset from {} {}: {}", masked, outcome.toLowerCase(), reason);
        }
    }

    private static void insertAudit(java.sql.Connection c, Instant at, String masked, String hash, TemporaryPasswords.User user,
                                    String outcome, String reason) throws java.sql.SQLException {
        Jdbc.update(c, "insert into password_reset (at, sender, sender_hash, tenant_id, user_id, outcome, reason) "
                + "values (?, ?, ?, ?, ?, ?, ?)", at, masked, hash, user == null ? null : user.tenant(),
                user == null ? null : user.id(), outcome, reason.length() > 500 ? reason.substring(0, 500) : reason);
    }
}
