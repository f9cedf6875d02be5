package org.hermod.kannel;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.hermod.Problem;
import org.hermod.db.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kannel's delivery report callbacks for SMS queued through {@code /cgi-bin/sendsms} with {@code dlr-url} and
 * {@code dlr-mask}: when an SMS reaches a state the mask asks for, the URL is called (HTTP GET) with Kannel's
 * escapes replaced. Events as in Kannel: 1 delivered, 2 undelivered (failed after submit, expired),
 * 8 accepted by the SMSC (SENT), 16 rejected (failed before submit, cancelled). A callback that fails is tried
 * again on the next run, at most {@code MAX_ATTEMPTS} times. Called by the {@code kannel-dlr} job.
 *
 * <p>Uses the JDK HttpClient: one GET per event to a URL the client gave, nothing Camel's http component
 * would add but a dynamic endpoint per URL.
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
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public KannelDlr(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Checks dlr-url and dlr-mask as given to sendsms; null url or mask 0 means no callbacks. */
    static void validate(String url, int mask) {
        if (mask < 0 || mask > 31) {
            throw Problem.badRequest("dlr-mask", "must be between 0 and 31");
        }
        if (url != null && !url.startsWith("http://") && !url.startsWith("https://")) {
            throw Problem.badRequest("dlr-url", "must be an http:// or https:// URL");
        }
    }

    /** Remembers the callback for every SMS of a sendsms request. */
    public void register(long requestId, String url, int mask) {
        jdbc.update("insert into kannel_dlr (sms_id, url, mask) select id, ?, ? from sms where request_id = ?",
                url, mask, requestId);
    }

    private record Due(long smsId, String url, int mask, int reported, int attempts, String status, boolean sent,
                       String recipient, String providerId, String error) {
    }

    /** Calls back what is due; returns how many callbacks succeeded. */
    public int run() {
        List<Due> due = jdbc.query("select d.sms_id, d.url, d.mask, d.reported, d.attempts, s.status, s.sent_at, "
                + "s.recipient, s.provider_id, s.error from kannel_dlr d join sms s on s.id = d.sms_id "
                + "where d.done = false and s.status not in ('QUEUED', 'SENDING') order by d.sms_id limit 500",
                rs -> new Due(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getInt(4), rs.getInt(5), rs.getString(6),
                        rs.getObject(7) != null, rs.getString(8), rs.getString(9), rs.getString(10)));
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
        String url = expand(d, event);
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() / 100 == 2 ? null : "HTTP " + r.statusCode();
        } catch (java.io.IOException | IllegalArgumentException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Kannel's escapes: %d event, %p receiver, %I Hermod SMS id, %F provider id, %A answer, %T unix time. */
    private String expand(Due d, int event) {
        String answer = switch (event) {
            case DELIVERED -> "DELIVRD";
            case SUBMITTED -> "ACK/";
            default -> d.error() == null ? "UNDELIV" : d.error();
        };
        return d.url().replace("%d", Integer.toString(event)).replace("%p", enc(d.recipient()))
                .replace("%I", Long.toString(d.smsId())).replace("%F", enc(d.providerId() == null ? "" : d.providerId()))
                .replace("%A", enc(answer)).replace("%T", Long.toString(clock.instant().getEpochSecond()));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
