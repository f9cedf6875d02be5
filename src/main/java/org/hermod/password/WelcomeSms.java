package org.hermod.password;

import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import org.hermod.db.Jdbc;
import org.hermod.outbox.Priority;
import org.hermod.tenant.Tenants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The welcome SMS (issue 5): a user an SIS import created with an account and a mobile number is flagged
 * {@code welcome_due} in the import's transaction; this sends each flagged user one SMS with a temporary password
 * and clears the flag ({@code welcomed_at}) in one transaction. Run right after each import and on a timer, so a
 * process that dies between the import and the SMS sends it after the restart; never twice, since the flag is
 * cleared with a conditional update in the transaction that queues the SMS.
 */
public final class WelcomeSms {

    private static final Logger LOG = LoggerFactory.getLogger(WelcomeSms.class);
    public static final String REQUESTED_BY = "welcome";
    public static final String TEMPLATE = "welcome";

    private record Due(TemporaryPasswords.User user, LocalDate endDate) {
    }

    private final Jdbc jdbc;
    private final Clock clock;
    private final Tenants tenants;
    private final TemporaryPasswords passwords;
    private final TemporaryPasswords.Flow flow;
    private final int batchSize;

    public WelcomeSms(Jdbc jdbc, Clock clock, Tenants tenants, TemporaryPasswords passwords, String defaultText,
                      int batchSize) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.tenants = tenants;
        this.passwords = passwords;
        this.flow = new TemporaryPasswords.Flow(REQUESTED_BY, TEMPLATE, defaultText, Priority.NORMAL);
        this.batchSize = batchSize;
    }

    /** Its SMS: requested by {@value #REQUESTED_BY}, the tenant's template {@value #TEMPLATE}, priority NORMAL. */
    public TemporaryPasswords.Flow flow() {
        return flow;
    }

    /**
     * Queues the welcome SMS of every user due (at most one batch). A user who cannot get it now (the directory
     * of record refuses, the number is no longer valid) stays due and is tried again on the next run; a user
     * ended meanwhile is not welcomed. Never throws: it runs after an import that must not fail because of it.
     */
    public synchronized int sendDue() {
        List<Due> due;
        try {
            due = jdbc.query("select id, tenant_id, sis_id, account, given_name, end_date from dir_user where welcome_due = true "
                    + "and account is not null and mobile_norm is not null order by id limit " + batchSize,
                    rs -> new Due(new TemporaryPasswords.User(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5)), rs.getObject(6, LocalDate.class)));
        } catch (RuntimeException e) {
            LOG.error("Cannot look for users due a welcome SMS: {}", e.toString());
            return 0;
        }
        int sent = 0;
        for (Due d : due) {
            TemporaryPasswords.User u = d.user();
            try {
                LocalDate today = LocalDate.now(clock.withZone(tenants.find(u.tenant()).orElseThrow().zone()));
                if (d.endDate() != null && d.endDate().isBefore(today)) {
                    jdbc.update("update dir_user set welcome_due = false where id = ?", u.id());
                    continue;
                }
                boolean queued = jdbc.tx(c -> {
                    if (Jdbc.update(c, "update dir_user set welcome_due = false, welcomed_at = ? where id = ? "
                            + "and welcome_due = true", clock.instant(), u.id()) == 0) {
                        return false; // another run took it
                    }
                    passwords.issue(c, u, flow, REQUESTED_BY);
                    return true;
                });
                if (queued) {
                    sent++;
                }
            } catch (RuntimeException e) {
                LOG.warn("Welcome SMS for user {} of tenant {} not queued, tried again later: {}", u.sisId(), u.tenant(),
                        e.getMessage());
            }
        }
        if (sent > 0) {
            LOG.info("{} welcome SMS queued", sent);
        }
        return sent;
    }
}
