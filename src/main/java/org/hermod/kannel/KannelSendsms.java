package org.hermod.kannel;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.hermod.Problem;
import org.hermod.api.auth.ApiUsers;
import org.hermod.api.auth.Permission;
import org.hermod.api.auth.Principal;
import org.hermod.outbox.GroupCommit;
import org.hermod.outbox.Outbox;
import org.hermod.outbox.Priority;
import org.hermod.outbox.SendRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kannel's {@code /cgi-bin/sendsms} for existing senders (served by {@link SendsmsEndpoint}): {@code username},
 * {@code password}, {@code to} (several separated by spaces), {@code text} (in {@code charset}), and optionally
 * {@code smsc} (a Hermod channel name). Parameters come from the query string or a form body, or, on POST, from
 * Kannel's X-Kannel-* headers with the text as the body ({@link KannelRequest}). A request with {@code udh} is
 * refused: Hermod builds the user data header itself. The user is an API user with permission sms.send; the SMS are queued for
 * the user's tenant (an operator's go to the default tenant) through the outbox.
 *
 * <p>Answers as Kannel does, in plain text: {@code 202 0: Accepted for delivery}, {@code 403 Authorization failed},
 * {@code 400 …} for missing or bad input. {@code dlr-url} with {@code dlr-mask} asks for Kannel's delivery report
 * callbacks ({@link KannelDlr}); they are stored in the transaction that queues the SMS. Accepted but not used:
 * {@code from} (the channel's configured sender address is used, as with Kannel's forced sender; it is given back
 * as %P in callbacks), {@code coding} (it selects the text's default charset as in Kannel, but Hermod chooses
 * GSM 7-bit or UCS-2 from the text).
 *
 * <p>Kannel's 202 means "accepted"; Hermod's means "stored": it answers only after the SMS (and its callback rows)
 * are committed. Senders make one request per SMS, many at once, so concurrent requests are validated each on its
 * own and then committed together ({@link GroupCommit}); a request that fails is answered alone.
 */
public final class KannelSendsms {

    private static final Logger LOG = LoggerFactory.getLogger(KannelSendsms.class);

    private final ApiUsers users;
    private final Outbox outbox;
    private final GroupCommit group;
    private final KannelDlr dlr;
    private final String defaultTenant;

    public KannelSendsms(ApiUsers users, Outbox outbox, GroupCommit group, KannelDlr dlr, String defaultTenant) {
        this.users = users;
        this.outbox = outbox;
        this.group = group;
        this.dlr = dlr;
        this.defaultTenant = defaultTenant;
    }

    /** The answer to one request: its HTTP status and plain-text body. */
    public record Answer(int status, String text) {
    }

    /** Handles one request; {@code body} is the request's body (empty for a GET). */
    public Answer handle(HttpServerRequest http, byte[] body) {
        KannelRequest p;
        try {
            p = request(http, body);
        } catch (Problem e) {
            return answer(400, e.getMessage() + ", rejected");
        }
        String username = p.username();
        String password = p.password();
        Principal caller;
        try {
            if (username == null || password == null) {
                return answer(403, "Authorization failed for sendsms");
            }
            caller = users.authenticate("Basic " + Base64.getEncoder().encodeToString((username + ":" + password)
                    .getBytes(StandardCharsets.UTF_8)), peer(http)).require(Permission.SMS_SEND);
        } catch (Problem e) {
            return answer(403, "Authorization failed for sendsms");
        }
        if (p.get("udh") != null) {
            return answer(400, "udh: is not supported: Hermod builds the user data header itself (for "
                    + "concatenated SMS); send the text without udh, rejected");
        }
        String to = p.get("to");
        if (to == null || to.isBlank()) {
            return answer(400, "Missing receiver number, rejected");
        }
        String text = p.get("text");
        if (text == null) {
            return answer(400, "Missing text, rejected");
        }
        List<String> numbers = Arrays.stream(to.trim().split("[\\s]+")).filter(s -> !s.isEmpty()).toList();
        String tenant = caller.operator() ? defaultTenant : caller.tenant();
        try {
            String dlrUrl = p.get("dlr-url");
            int dlrMask = dlrMask(p.get("dlr-mask"));
            dlr.validate(dlrUrl, dlrMask, tenant);
            Outbox.Plan plan = outbox.plan(new SendRequest(tenant, numbers, null, null, false, text, null,
                    Priority.NORMAL, null, null, p.get("smsc")));
            String sender = p.get("from");
            Outbox.Queued queued = group.send(plan, caller.username(), dlrUrl == null || dlrMask == 0
                    ? GroupCommit.WithSms.NOTHING : (c, q) -> dlr.register(c, q.requestId(), dlrUrl, dlrMask, sender));
            LOG.debug("sendsms by {}: request {}", caller.username(), queued.requestId());
            return answer(202, "0: Accepted for delivery");
        } catch (Problem e) {
            return answer(400, e.getMessage() + ", rejected");
        }
    }

    /** As in Kannel, a dlr-url without a dlr-mask asks for no reports. */
    private static int dlrMask(String raw) {
        if (raw == null || raw.isBlank()) {
            return 0;
        }
        try {
            return Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw Problem.badRequest("dlr-mask", "must be a number, was '" + raw + "'");
        }
    }

    /**
     * The request's parameters from the real HTTP request: the raw query string (Camel's headers hold its values
     * already decoded as UTF-8, which loses a text in another charset), a form body, or on POST Kannel's
     * X-Kannel-* headers with the text as the body. The X-Kannel headers are read only on POST and only from the
     * request's own headers, never from query parameters of that name.
     */
    private static KannelRequest request(HttpServerRequest request, byte[] body) {
        String query = request.query();
        if (request.method() != HttpMethod.POST) {
            return KannelRequest.form(query);
        }
        String contentType = request.getHeader("Content-Type");
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            return KannelRequest.form(query, new String(body, StandardCharsets.ISO_8859_1));
        }
        if (request.getHeader("X-Kannel-Username") != null) {
            Map<String, String> headers = new HashMap<>();
            for (String name : KannelRequest.HEADERS.keySet()) {
                String v = request.getHeader(name);
                if (v != null) {
                    headers.put(name, v);
                }
            }
            return KannelRequest.headers(headers, contentType, body);
        }
        return KannelRequest.queryWithBody(query, contentType, body);
    }

    private static Answer answer(int status, String text) {
        return new Answer(status, text);
    }

    /** The request's TCP peer address, for the login throttle; never a header. */
    private static String peer(HttpServerRequest http) {
        return http.remoteAddress() == null ? null : http.remoteAddress().hostAddress();
    }
}
