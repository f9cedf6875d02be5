package org.hermod.outbox;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.hermod.db.Jdbc;
import org.hermod.mail.Mailer;

/**
 * Mails failed SMS (rejected numbers, landlines, permanent send failures) to the configured address in
 * batches: one mail per run of the job listing up to {@code maxPerMail} failures, never one mail per SMS.
 * A failure is marked reported only after the mail was accepted by the SMTP server.
 */
public final class ErrorReport {

    private record Failure(long id, String tenant, String recipient, String error) {
    }

    private final Jdbc jdbc;
    private final Clock clock;
    private final Mailer mailer;
    private final String to;
    private final int maxPerMail;

    public ErrorReport(Jdbc jdbc, Clock clock, Mailer mailer, String to, int maxPerMail) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.mailer = mailer;
        this.to = to;
        this.maxPerMail = maxPerMail;
    }

    /** Sends one report mail if there are unreported failures; returns how many it listed. */
    public int run() {
        if (to == null || to.isBlank() || !mailer.enabled()) {
            return 0;
        }
        List<Failure> failures = jdbc.query("select id, tenant_id, recipient, error from sms where status = 'FAILED' "
                + "and reported_at is null order by id limit " + maxPerMail,
                rs -> new Failure(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)));
        if (failures.isEmpty()) {
            return 0;
        }
        StringBuilder body = new StringBuilder(failures.size() + " SMS could not be sent:\n\n");
        for (Failure f : failures) {
            body.append("SMS ").append(f.id()).append(" (tenant ").append(f.tenant()).append(", to ")
                    .append(PhoneNumbers.mask(f.recipient())).append("): ").append(f.error()).append('\n');
        }
        body.append("\nSee GET /api/sms/{id} for each SMS; correct the number and resend with POST /api/sms/resend.\n");
        mailer.send(to, "Hermod: " + failures.size() + " SMS failed", body.toString());
        Instant now = clock.instant();
        String ids = String.join(",", failures.stream().map(f -> Long.toString(f.id())).toList());
        jdbc.update("update sms set reported_at = ? where id in (" + ids + ")", now);
        return failures.size();
    }
}
