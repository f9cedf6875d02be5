package org.hermod.kannel;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.hermod.Problem;
import org.hermod.db.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kannel's delivery report callbacks for SMS queued through {@code /cgi-bin/sendsms} with {@code dlr-url} and
 * {@code dlr-mask}: when an SMS reaches a state the mask asks for, the URL is called (HTTP GET) with Kannel's
 * escapes filled ({@link KannelEscapes}). Events as in Kannel: 1 delivered, 2 undelivered (failed after submit,
 * expired), 8 accepted by the SMSC (SENT), 16 rejected (failed before submit, cancelled); 4 (buffered, an
 * intermediate receipt) never comes, Hermod does not act on intermediate receipts. As in Kannel, a dlr-url
 * without a dlr-mask asks for nothing. %A is {@code ACK/} for 8, {@code NACK/} and the reason for 16, and the
 * SMSC receipt's text for 1 and 2 ({@link KannelReceipts}). A callback that fails is tried again on the next run,
 * at most {@code MAX_ATTEMPTS} times. Called by the {@code kannel-dlr} job.
 *
 * <p>Uses the JDK HttpClient: one GET per event to a URL the client gave, nothing Camel's http component
 * would add but a dynamic endpoint per URL. Its host is checked by {@link DlrUrlPolicy} when sendsms takes it and
 * again before every call, after DNS resolution; redirects are not followed.
 */
public final class KannelDlr {

    static final int DELIVERED = 1;
    static final int UNDELIVERED = 2;
    static final int SUBMITTED = 8;
    static final int REJECTED = 16;
    private static final int MAX_ATTEMPTS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(KannelDlr.class);

    private final Jdbc jdbc;
    private final Clock clock;
    /** Never follows a redirect: it could lead to a host {@link DlrUrlPolicy} refuses. */
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final Function<String, DlrUrlPolicy> policies;

    /** {@code policies}: the callback rule of a tenant ({@link DlrUrlPolicy#perTenant}). */
    public KannelDlr(Jdbc jdbc, Clock clock, Function<String, DlrUrlPolicy> policies) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.policies = policies;
    }

    /**
     * Checks dlr-url and dlr-mask as given to sendsms; null url or mask 0 means no callbacks. The URL must still be
     * an http(s) URL once its escapes are filled, so a bad one is refused now rather than every callback failing,
     * and its host must be one the tenant's {@link DlrUrlPolicy} allows.
     */
    void validate(String url, int mask, String tenant) {
        if (mask < 0 || mask > 31) {
            throw Problem.badRequest("dlr-mask", "must be between 0 and 31");
        }
        if (url == null) {
            return;
        }
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw Problem.badRequest("dlr-url", "must be an http:// or https:// URL");
        }
        try {
            URI uri = KannelEscapes.toUri(KannelEscapes.expand(url, new KannelEscapes.Report(SUBMITTED, "+4500000000",
                    "Sender", "channel", "1", "1", "user", "ACK/", Instant.EPOCH, url)));
            if (uri.getHost() == null) {
                throw Problem.badRequest("dlr-url", "has no host");
            }
            policies.apply(tenant).refusal(uri).ifPresent(why -> {
                throw Problem.badRequest("dlr-url", why);
            });
        } catch (URISyntaxException e) {
            throw Problem.badRequest("dlr-url", "is not a valid URL once its escapes are filled: " + e.getReason());
        }
    }

    /** Remembers the callback for every SMS of a sendsms request; {@code sender} is its {@code from}, or null. */
    public void register(Connection c, long requestId, String url, int mask, String sender) throws SQLException {
        Jdbc.update(c, "insert into kannel_dlr (sms_id, url, mask, sender) select id, ?, ?, ? from sms "
                + "where request_id = ?", url, mask, sender, requestId);
    }

    private record Due(long smsId, String url, int mask, int reported, int attempts, String status, boolean sent,
                       String recipient, String providerId, String error, String sender, String receipt,
                       String channel, String requestedBy, String tenant) {
    }

    /** Calls back what is due; returns how many callbacks succeeded. */
    public int run() {
        List<Due> due = jdbc.query("select d.sms_id, d.url, d.mask, d.reported, d.attempts, s.status, s.sent_at, "
                + "s.recipient, s.provider_id, s.error, d.sender, d.receipt, s.channel, r.requested_by, s.tenant_id "
                + "from kannel_dlr d join sms s on s.id = d.sms_id left join sms_request r on r.id = s.request_id "
                + "where d.done = false and s.status not in ('QUEUED', 'SENDING') order by d.sms_id limit 500",
                rs -> new Due(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getInt(4), rs.getInt(5), rs.getString(6),
                        rs.getObject(7) != null, rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11),
                        rs.getString(12), rs.getString(13), rs.getString(14), rs.getString(15)));
        int called = 0;
        for (Due d : due) {
            int events = events(d.status(), d.sent());
            int reported = d.reported();
            String error = null;
            for (int event : new int[] {SUBMITTED, DELIVERED, UNDELIVERED, REJECTED}) {
                if ((events & d.mask() & event) != 0 && (reported & event) == 0) {
                    error = call(d, event);
                    if (error != null) {
                        break;
                    }
                    reported |= event;
                    called++;
                }
            }
            boolean finished = !d.status().equals("SENT") && error == null;
            boolean givenUp = error != null && d.attempts() + 1 >= MAX_ATTEMPTS;
            if (givenUp) {
                LOG.warn("Kannel dlr callback for SMS {} given up after {} attempts: {}", d.smsId(), MAX_ATTEMPTS, error);
            }
            jdbc.update("update kannel_dlr set reported = ?, attempts = attempts + ?, last_error = ?, done = ? "
                    + "where sms_id = ?", reported, error == null ? 0 : 1, error, finished || givenUp, d.smsId());
        }
        return called;
    }

    /** The Kannel events an SMS in this state has reached. */
    static int events(String status, boolean sent) {
        return switch (status) {
            case "SENT" -> SUBMITTED;
            case "DELIVERED" -> SUBMITTED | DELIVERED;
            case "FAILED" -> sent ? SUBMITTED | UNDELIVERED : REJECTED;
            case "EXPIRED", "UNKNOWN" -> sent ? SUBMITTED | UNDELIVERED : UNDELIVERED;
            default -> REJECTED;
        };
    }

    private String call(Due d, int event) {
        try {
            URI url = KannelEscapes.toUri(KannelEscapes.expand(d.url(), report(d, event)));
            Optional<String> refused = policies.apply(d.tenant()).refusal(url);
            if (refused.isPresent()) {
                return "refused: " + refused.get();
            }
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() / 100 == 2 ? null : "HTTP " + r.statusCode();
        } catch (java.io.IOException | IllegalArgumentException | URISyntaxException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** What the escapes of this event's callback are filled with. */
    private KannelEscapes.Report report(Due d, int event) {
        String answer = switch (event) {
            case SUBMITTED -> "ACK/";
            case REJECTED -> "NACK/" + (d.error() == null ? "" : d.error());
            case DELIVERED -> d.receipt() != null ? d.receipt() : "DELIVRD";
            default -> d.receipt() != null ? d.receipt() : d.error() == null ? "UNDELIV" : d.error();
        };
        return new KannelEscapes.Report(event, d.recipient(), d.sender(), d.channel(), Long.toString(d.smsId()),
                d.providerId(), d.requestedBy(), answer, clock.instant(), d.url());
    }
}
