package org.hermod.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hermod.Problem;
import org.hermod.db.BulkInsert;
import org.hermod.db.Database;
import org.hermod.db.Jdbc;
import org.hermod.sms.SmsText;
import org.hermod.tenant.Tenants;
import org.hermod.tenant.Tenants.Tenant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMS outbox: turns a send request into queued SMS (one per distinct mobile number, in one
 * transaction), and offers the list, search, resend and cancel of seed 002's "SMS Nachrichten". An SMS that carried
 * a secret (a temporary password) is resent with a new one by the {@link SecretReissuer}, never with its masked text.
 */
public final class Outbox {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    /** The size of sms.text and sms_request.text (V1). */
    private static final int MAX_TEXT = 4000;

    /** A resolved recipient; {@code rejected} holds the reason when the number cannot receive SMS. */
    public record Recipient(String number, Long userId, Long groupId, String rejected) {
    }

    /** Someone addressed who gets no SMS, and why (no mobile number, ended). */
    public record Skipped(String who, String reason) {
    }

    /** What a send request resolves to: shown as the dry run, stored by {@link #send}. */
    public record Plan(String tenant, SmsText text, Priority priority, String channel, Instant notBefore,
                       Instant sendBefore, List<Recipient> recipients, List<Skipped> skipped, String storedText) {
        public Plan(String tenant, SmsText text, Priority priority, String channel, Instant notBefore, Instant sendBefore,
                    List<Recipient> recipients, List<Skipped> skipped) {
            this(tenant, text, priority, channel, notBefore, sendBefore, recipients, skipped, null);
        }

        public long accepted() {
            return recipients.stream().filter(r -> r.rejected() == null).count();
        }

        /** The same plan, storing {@code stored} (a {@link SealedText}) in place of the text itself. */
        public Plan storing(String stored) {
            return new Plan(tenant, text, priority, channel, notBefore, sendBefore, recipients, skipped, stored);
        }

        /** What the database gets as the text: the sealed form when there is one. */
        String textToStore() {
            return storedText != null ? storedText : text.text();
        }
    }

    public record Queued(long requestId, Plan plan) {
    }

    private final Jdbc jdbc;
    private final Clock clock;
    private final OutboxSettings settings;
    private final Tenants tenants;
    private final MobilePrefixes prefixes;
    private final Set<String> channels;
    private volatile SecretReissuer secrets = SecretReissuer.NONE;

    public Outbox(Jdbc jdbc, Clock clock, OutboxSettings settings, Tenants tenants, MobilePrefixes prefixes,
                  Set<String> channels) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.settings = settings;
        this.tenants = tenants;
        this.prefixes = prefixes;
        this.channels = channels;
    }

    /** Validates and resolves a request without storing anything (the dry run). */
    public Plan plan(SendRequest request) {
        Tenant tenant = tenants.find(request.tenant())
                .orElseThrow(() -> Problem.badRequest("tenant", "unknown tenant '" + request.tenant() + "'"));
        String text = settings.finalText(resolveText(request));
        if (text.length() > MAX_TEXT) {
            throw Problem.badRequest("text", "has " + text.length() + " characters with the fixed text; at most "
                    + MAX_TEXT + " are allowed");
        }
        if (text.indexOf('\0') >= 0) {
            throw Problem.badRequest("text", "must not contain the NUL character (U+0000)");
        }
        SmsText analysed = SmsText.of(text);
        if (analysed.segments() > settings.maxSegments()) {
            throw Problem.badRequest("text", "needs " + analysed.segments() + " SMS segments (" + analysed.encoding()
                    + ", " + analysed.units() + " characters with the fixed text); at most " + settings.maxSegments()
                    + " are allowed");
        }
        String channel = request.channel() == null ? settings.defaultChannel() : request.channel();
        if (!channels.contains(channel)) {
            throw Problem.badRequest("channel", "unknown channel '" + channel + "', known: " + channels);
        }
        Instant now = clock.instant();
        if (request.sendBefore() != null && !request.sendBefore().isAfter(now)) {
            throw Problem.badRequest("sendBefore", "is in the past");
        }
        if (request.sendAfter() != null && request.sendBefore() != null
                && !request.sendAfter().isBefore(request.sendBefore())) {
            throw Problem.badRequest("sendAfter", "must be before sendBefore");
        }
        if (request.to().isEmpty() && request.users().isEmpty() && request.groups().isEmpty() && !request.everyone()) {
            throw Problem.badRequest("to", "no recipients: give to, users, groups or everyone");
        }
        Instant notBefore = request.sendAfter() != null && request.sendAfter().isAfter(now) ? request.sendAfter() : now;
        if (request.priority() != Priority.EMERGENCY) {
            notBefore = tenant.quietHours().nextAllowed(notBefore);
        }
        List<Skipped> skipped = new ArrayList<>();
        if (request.to().size() > settings.maxRecipients()) {
            throw tooMany("to", request.to().size());
        }
        if (request.users().size() > settings.maxRecipients()) {
            throw tooMany("users", request.users().size());
        }
        List<Recipient> recipients = resolve(request, tenant, skipped);
        return new Plan(tenant.id(), analysed, request.priority(), channel, notBefore, request.sendBefore(),
                recipients, skipped);
    }

    /** Queues the request: one SMS per accepted recipient, and a failed row per rejected one, in one transaction. */
    public Queued send(SendRequest request, String requestedBy) {
        Plan plan = plan(request);
        return jdbc.tx(c -> store(c, plan, requestedBy));
    }

    /**
     * Queues the request inside the caller's transaction {@code c}, so a business row and its SMS commit together
     * (the welcome SMS and the user's new password hash). {@code plan} is from {@link #plan}.
     */
    public Queued send(Connection c, Plan plan, String requestedBy) throws SQLException {
        return store(c, plan, requestedBy);
    }

    private Queued store(Connection c, Plan plan, String requestedBy) throws SQLException {
        Instant now = clock.instant();
        long requestId = insertRequest(c, plan, requestedBy, now);
        BulkInsert.insert(c, "sms", SMS_COLUMNS, smsRows(plan, requestId, now));
        LOG.info("Request {} of tenant {} by {}: {} SMS queued ({} {}, {} segment(s)), {} rejected, {} skipped",
                requestId, plan.tenant(), requestedBy, plan.accepted(), plan.priority(), plan.text().encoding(),
                plan.text().segments(), plan.recipients().size() - plan.accepted(), plan.skipped().size());
        return new Queued(requestId, plan);
    }

    /**
     * Stores several planned requests inside the caller's transaction {@code c}, for {@link GroupCommit}: one
     * batch of request rows and one bulk insert of all their SMS. Logged per request at DEBUG only: these are
     * the many small requests of Kannel's sendsms, where one INFO line per SMS costs more than the SMS.
     */
    List<Queued> storeAll(Connection c, List<Plan> plans, List<String> requestedBy) throws SQLException {
        Instant now = clock.instant();
        long[] ids = insertRequests(c, plans, requestedBy, now);
        List<Object[]> rows = new ArrayList<>();
        List<Queued> queued = new ArrayList<>(plans.size());
        for (int i = 0; i < plans.size(); i++) {
            rows.addAll(smsRows(plans.get(i), ids[i], now));
            queued.add(new Queued(ids[i], plans.get(i)));
        }
        BulkInsert.insert(c, "sms", SMS_COLUMNS, rows);
        if (LOG.isDebugEnabled()) {
            for (int i = 0; i < plans.size(); i++) {
                Plan plan = plans.get(i);
                LOG.debug("Request {} of tenant {} by {}: {} SMS queued, {} rejected (group of {})", ids[i],
                        plan.tenant(), requestedBy.get(i), plan.accepted(), plan.recipients().size() - plan.accepted(),
                        plans.size());
            }
        }
        return queued;
    }

    private String resolveText(SendRequest request) {
        if (request.template() != null) {
            return jdbc.query("select text from sms_template where tenant_id = ? and name = ?", rs -> rs.getString(1),
                    request.tenant(), request.template()).stream().findFirst()
                    .orElseThrow(() -> Problem.badRequest("template", "unknown template '" + request.template() + "'"));
        }
        if (request.text() == null || request.text().isBlank()) {
            throw Problem.badRequest("text", "must not be empty");
        }
        return request.text();
    }

    private List<Recipient> resolve(SendRequest request, Tenant tenant, List<Skipped> skipped) {
        PhoneNumbers numbers = prefixes.phoneNumbers(settings.defaultCountryCode());
        Map<String, Recipient> byNumber = new LinkedHashMap<>();
        List<Recipient> rejected = new ArrayList<>();
        for (int i = 0; i < request.to().size(); i++) {
            try {
                String number = numbers.normalise(request.to().get(i));
                byNumber.putIfAbsent(number, new Recipient(number, null, null, null));
            } catch (PhoneNumbers.InvalidNumber e) {
                throw Problem.badRequest("to[" + i + "]", e.getMessage());
            }
        }
        if (request.users().isEmpty() && request.groups().isEmpty() && !request.everyone()) {
            return new ArrayList<>(byNumber.values()); // numbers only: nothing to read from the directory
        }
        LocalDate today = LocalDate.ofInstant(clock.instant(), tenant.zone());
        jdbc.tx(c -> {
            for (int i = 0; i < request.users().size(); i++) {
                String sisId = request.users().get(i);
                List<Member> found = Jdbc.query(c, Member.SELECT + " where u.tenant_id = ? and u.sis_id = ?", Member::map,
                        tenant.id(), sisId);
                if (found.isEmpty()) {
                    throw Problem.badRequest("users[" + i + "]", "unknown user '" + sisId + "'");
                }
                add(found.get(0), null, numbers, today, byNumber, rejected, skipped);
            }
            for (int i = 0; i < request.groups().size(); i++) {
                String sisId = request.groups().get(i);
                List<Long> group = Jdbc.query(c, "select id from dir_group where tenant_id = ? and sis_id = ?",
                        rs -> rs.getLong(1), tenant.id(), sisId);
                if (group.isEmpty()) {
                    throw Problem.badRequest("groups[" + i + "]", "unknown group '" + sisId + "'");
                }
                for (Member m : Jdbc.query(c, Member.SELECT + " join dir_membership m on m.user_id = u.id where m.group_id = ?",
                        Member::map, group.get(0))) {
                    add(m, group.get(0), numbers, today, byNumber, rejected, skipped);
                }
                if (byNumber.size() + rejected.size() > settings.maxRecipients()) {
                    throw tooMany("groups[" + i + "]", byNumber.size() + rejected.size());
                }
            }
            if (request.everyone()) {
                for (Member m : Jdbc.query(c, Member.SELECT + " where u.tenant_id = ?", Member::map, tenant.id())) {
                    add(m, null, numbers, today, byNumber, rejected, skipped);
                }
                if (byNumber.size() + rejected.size() > settings.maxRecipients()) {
                    throw tooMany("everyone", byNumber.size() + rejected.size());
                }
            }
            return null;
        });
        List<Recipient> all = new ArrayList<>(byNumber.values());
        all.addAll(rejected);
        return all;
    }

    /** A request over hermod.outbox.max-recipients: one request holds one transaction and one HTTP answer. */
    private Problem tooMany(String field, int recipients) {
        return Problem.badRequest(field, "takes the request to " + recipients + " recipients; at most "
                + settings.maxRecipients() + " are allowed in one request (hermod.outbox.max-recipients)");
    }

    private record Member(long id, String sisId, String mobile, LocalDate endDate) {
        static final String SELECT = "select u.id, u.sis_id, u.mobile, u.end_date from dir_user u";

        static Member map(ResultSet rs) throws SQLException {
            return new Member(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getObject(4, LocalDate.class));
        }
    }

    private static void add(Member m, Long groupId, PhoneNumbers numbers, LocalDate today, Map<String, Recipient> byNumber,
                            List<Recipient> rejected, List<Skipped> skipped) {
        if (m.endDate() != null && m.endDate().isBefore(today)) {
            skipped.add(new Skipped("user " + m.sisId(), "ended on " + m.endDate()));
        } else if (m.mobile() == null || m.mobile().isBlank()) {
            skipped.add(new Skipped("user " + m.sisId(), "no mobile number"));
        } else {
            try {
                String number = numbers.normalise(m.mobile());
                byNumber.putIfAbsent(number, new Recipient(number, m.id(), groupId, null));
            } catch (PhoneNumbers.InvalidNumber e) {
                rejected.add(new Recipient(m.mobile(), m.id(), groupId, "user " + m.sisId() + ": " + e.getMessage()));
            }
        }
    }

    private static final String INSERT_REQUEST = "insert into sms_request (tenant_id, requested_by, priority, text, "
            + "recipients, created_at) values (?, ?, ?, ?, ?, ?)";

    private static long insertRequest(Connection c, Plan plan, String requestedBy, Instant now) throws SQLException {
        return insertRequests(c, List.of(plan), List.of(requestedBy), now)[0];
    }

    /** The request rows in one JDBC batch; their generated ids in the order of {@code plans}. */
    private static long[] insertRequests(Connection c, List<Plan> plans, List<String> requestedBy, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT_REQUEST, Statement.RETURN_GENERATED_KEYS)) {
            for (int i = 0; i < plans.size(); i++) {
                Plan plan = plans.get(i);
                Jdbc.bind(ps, plan.tenant(), requestedBy.get(i), plan.priority().ordinal(), plan.textToStore(),
                        plan.recipients().size(), now);
                if (plans.size() == 1) {
                    ps.executeUpdate();
                } else {
                    ps.addBatch();
                }
            }
            if (plans.size() > 1) {
                ps.executeBatch();
            }
            long[] ids = new long[plans.size()];
            int n = 0;
            try (ResultSet keys = ps.getGeneratedKeys()) {
                while (keys.next() && n < ids.length) {
                    ids[n++] = keys.getLong(1);
                }
            }
            if (n != ids.length) {
                throw new SQLException("expected " + ids.length + " generated sms_request ids, the driver gave " + n);
            }
            return ids;
        }
    }

    private static final List<String> SMS_COLUMNS = List.of("tenant_id", "request_id", "recipient", "text", "encoding",
            "segments", "status", "priority", "channel", "next_attempt_at", "send_before", "created_at", "done_at", "error",
            "user_id", "group_id");

    private static List<Object[]> smsRows(Plan plan, long requestId, Instant now) {
        List<Object[]> rows = new ArrayList<>(plan.recipients().size());
        for (Recipient r : plan.recipients()) {
            boolean ok = r.rejected() == null;
            rows.add(new Object[] {plan.tenant(), requestId, ok ? r.number() : truncate(r.number(), 20),
                    plan.textToStore(), plan.text().encoding().name(), plan.text().segments(),
                    (ok ? SmsStatus.QUEUED : SmsStatus.FAILED).name(), plan.priority().ordinal(), plan.channel(),
                    plan.notBefore(), plan.sendBefore(), now, ok ? null : now, r.rejected(), r.userId(), r.groupId()});
        }
        return rows;
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    /** One SMS with its attempt history, or empty when it does not exist (in the tenant, if one is given). */
    public Optional<SmsRecord> find(String tenant, long id) {
        return jdbc.query("select " + SmsRecord.COLUMNS + " from sms where id = ?" + (tenant == null ? "" : " and tenant_id = ?"),
                SmsRecord::map, tenant == null ? new Object[] {id} : new Object[] {id, tenant}).stream().findFirst()
                .map(sms -> sms.withHistory(jdbc.query("select attempt, at, channel, outcome, error from sms_attempt "
                        + "where sms_id = ? order by at, attempt", rs -> new SmsAttempt(rs.getInt(1),
                        Database.instant(rs, "at"), rs.getString(3), rs.getString(4), rs.getString(5)), id)));
    }

    /** {@code s} matched literally inside a LIKE pattern (with {@code escape '\'}): % and _ are no wildcards. */
    private static String likeLiteral(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    public List<SmsRecord> search(SmsQuery q) {
        StringBuilder sql = new StringBuilder("select " + SmsRecord.COLUMNS + " from sms where 1 = 1");
        List<Object> args = new ArrayList<>();
        if (q.tenant() != null) {
            sql.append(" and tenant_id = ?");
            args.add(q.tenant());
        }
        if (q.status() != null) {
            sql.append(" and status = ?");
            args.add(q.status().name());
        }
        if (q.from() != null) {
            sql.append(" and created_at >= ?");
            args.add(q.from());
        }
        if (q.to() != null) {
            sql.append(" and created_at < ?");
            args.add(q.to());
        }
        if (q.recipient() != null) {
            sql.append(" and recipient like ? escape '\\'");
            args.add("%" + likeLiteral(q.recipient().replaceAll("[^0-9+]", "")) + "%");
        }
        if (q.text() != null) {
            sql.append(" and lower(").append(SmsRecord.TEXT).append(") like ? escape '\\'");
            args.add("%" + likeLiteral(q.text().toLowerCase()) + "%");
        }
        sql.append(" order by id desc limit ").append(q.limit()).append(" offset ").append(q.offset());
        return jdbc.query(sql.toString(), SmsRecord::map, args.toArray());
    }

    /**
     * Sets who resends SMS that carried a secret ({@link SecretReissuer}), once, at wiring time: the reissuer sends
     * through this outbox, so it cannot exist when the outbox is built. Until then such SMS are not resent.
     */
    public void reissueSecretsWith(SecretReissuer reissuer) {
        this.secrets = reissuer;
    }

    /**
     * Resends failed, expired, unknown or sent SMS as new queued ones ({@code resent_from} the old one) and returns
     * the new ids; {@code operator} asked for it. A plain SMS is copied. One that carried a secret ({@code sms_secret})
     * is not, since its text is masked: the {@link SecretReissuer} issues a new secret in a new SMS. All or nothing:
     * every id is checked before anything is written or any secret issued, and any refusal is a 409 naming it.
     */
    public List<Long> resend(String tenant, List<Long> ids, String operator) {
        Instant now = clock.instant();
        return jdbc.tx(c -> {
            List<SmsRecord> olds = new ArrayList<>();
            Set<Long> secret = new HashSet<>();
            for (int i = 0; i < ids.size(); i++) {
                long id = ids.get(i);
                SmsRecord old = Jdbc.query(c, "select " + SmsRecord.COLUMNS + " from sms where id = ?", SmsRecord::map, id)
                        .stream().filter(r -> tenant == null || r.tenant().equals(tenant)).findFirst()
                        .orElseThrow(() -> Problem.notFound("SMS " + id));
                if (!SmsStatus.RESENDABLE.contains(old.status())) {
                    throw conflict(i, "SMS " + id + " is " + old.status() + "; only " + SmsStatus.RESENDABLE
                            + " SMS can be resent");
                }
                if (!old.recipient().startsWith("+")) {
                    throw conflict(i, "SMS " + id + " has no valid number; correct the number in the directory and send again");
                }
                if (!Jdbc.query(c, "select sms_id from sms_secret where sms_id = ?", rs -> rs.getLong(1), id).isEmpty()) {
                    try {
                        secrets.check(c, old);
                    } catch (SecretReissuer.Refused e) {
                        throw conflict(i, "SMS " + id + " " + e.getMessage());
                    }
                    secret.add(id);
                }
                olds.add(old);
            }
            List<Long> created = new ArrayList<>();
            for (int i = 0; i < olds.size(); i++) {
                SmsRecord old = olds.get(i);
                try {
                    created.add(secret.contains(old.id()) ? secrets.reissue(c, old, operator) : copy(c, old, now));
                } catch (SecretReissuer.Refused e) {
                    throw conflict(i, "SMS " + old.id() + " " + e.getMessage());
                }
            }
            return created;
        });
    }

    private static Problem conflict(int i, String message) {
        return new Problem(Problem.Kind.CONFLICT, "ids[" + i + "]", message);
    }

    private static long copy(Connection c, SmsRecord old, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into sms (tenant_id, request_id, recipient, text, "
                + "encoding, segments, status, priority, channel, next_attempt_at, created_at, user_id, group_id, "
                + "resent_from) values (?, ?, ?, ?, ?, ?, 'QUEUED', ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            Jdbc.bind(ps, old.tenant(), old.requestId(), old.recipient(), old.text(), old.encoding(), old.segments(),
                    old.priority().ordinal(), old.channel(), now, now, old.userId(), old.groupId(), old.id());
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    /** Cancels a queued SMS; an SMS already being sent or done cannot be cancelled. */
    public void cancel(String tenant, long id) {
        SmsRecord sms = find(tenant, id).orElseThrow(() -> Problem.notFound("SMS " + id));
        int changed = jdbc.update("update sms set status = 'CANCELLED', done_at = ? where id = ? and status = 'QUEUED'",
                clock.instant(), id);
        if (changed == 0) {
            throw new Problem(Problem.Kind.CONFLICT, "status", "SMS " + id + " is " + find(tenant, id)
                    .map(SmsRecord::status).orElse(sms.status()) + "; only QUEUED SMS can be cancelled");
        }
    }
}
