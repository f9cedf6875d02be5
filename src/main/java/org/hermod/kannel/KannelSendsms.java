package org.hermod.kannel;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.hermod.Problem;
import org.hermod.api.auth.ApiUsers;
import org.hermod.api.auth.Permission;
import org.hermod.api.auth.Principal;
import org.hermod.db.Jdbc;
import org.hermod.outbox.Outbox;
import org.hermod.outbox.Priority;
import org.hermod.outbox.SendRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kannel's {@code /cgi-bin/sendsms} for existing senders (routes/kannel.camel.yaml): {@code username},
 * {@code password}, {@code to} (several separated by spaces), {@code text}, and optionally {@code smsc} (a Hermod
 * channel name). Parameters come from the query string or a form body; a POST with another content type has the
 * text as its body, as Kannel allows. The user is an API user with permission sms.send; the SMS are queued for
 * the user's tenant (an operator's go to the default tenant) through the outbox.
 *
 * <p>Answers as Kannel does, in plain text: {@code 202 0: Accepted for delivery}, {@code 403 Authorization failed},
 * {@code 400 …} for missing or bad input. {@code dlr-url} with {@code dlr-mask} asks for Kannel's delivery report
 * callbacks ({@link KannelDlr}); they are stored in the transaction that queues the SMS. Accepted but not used: {@code from} (the channel's configured sender address is
 * used, as with Kannel's forced sender), {@code coding} (Hermod chooses GSM 7-bit or UCS-2 from the text).
 */
public final class KannelSendsms {

    private static final Logger LOG = LoggerFactory.getLogger(KannelSendsms.class);

    private final Jdbc jdbc;
    private final ApiUsers users;
    private final Outbox outbox;
    private final KannelDlr dlr;
    private final String defaultTenant;

    public KannelSendsms(Jdbc jdbc, ApiUsers users, Outbox outbox, KannelDlr dlr, String defaultTenant) {
        this.jdbc = jdbc;
        this.users = users;
        this.outbox = outbox;
        this.dlr = dlr;
        this.defaultTenant = defaultTenant;
    }

    public String handle(Exchange exchange) {
        Map<String, String> p = parameters(exchange);
        String username = p.get("username") != null ? p.get("username") : p.get("user");
        String password = p.get("password") != null ? p.get("password") : p.get("pass");
        Principal caller;
        try {
            if (username == null || password == null) {
                return answer(exchange, 403, "Authorization failed for sendsms");
            }
            caller = users.authenticate("Basic " + Base64.getEncoder().encodeToString((username + ":" + password)
                    .getBytes(StandardCharsets.UTF_8))).require(Permission.SMS_SEND);
        } catch (Problem e) {
            return answer(exchange, 403, "Authorization failed for sendsms");
        }
        String to = p.get("to");
        if (to == null || to.isBlank()) {
            return answer(exchange, 400, "Missing receiver number, rejected");
        }
        String text = p.get("text");
        if (text == null) {
            return answer(exchange, 400, "Missing text, rejected");
        }
        List<String> numbers = Arrays.stream(to.trim().split("[\\s]+")).filter(s -> !s.isEmpty()).toList();
        String tenant = caller.operator() ? defaultTenant : caller.tenant();
        try {
            String dlrUrl = p.get("dlr-url");
            int dlrMask = dlrMask(p.get("dlr-mask"));
            KannelDlr.validate(dlrUrl, dlrMask);
            Outbox.Plan plan = outbox.plan(new SendRequest(tenant, numbers, null, null, false, text, null,
                    Priority.NORMAL, null, null, p.get("smsc")));
            Outbox.Queued queued = jdbc.tx(c -> {
                Outbox.Queued q = outbox.send(c, plan, caller.username());
                if (dlrUrl != null && dlrMask > 0) {
                    dlr.register(c, q.requestId(), dlrUrl, dlrMask, p.get("from"));
                }
                return q;
            });
            LOG.debug("sendsms by {}: request {}", caller.username(), queued.requestId());
            return answer(exchange, 202, "0: Accepted for delivery");
        } catch (Problem e) {
            return answer(exchange, 400, e.getMessage() + ", rejected");
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

    private static Map<String, String> parameters(Exchange exchange) {
        Map<String, String> p = new HashMap<>();
        for (String name : List.of("username", "user", "password", "pass", "to", "text", "from", "coding", "smsc",
                "dlr-mask", "dlr-url", "charset")) {
            String v = exchange.getMessage().getHeader(name, String.class);
            if (v != null) {
                p.put(name, v);
            }
        }
        String contentType = exchange.getMessage().getHeader(Exchange.CONTENT_TYPE, String.class);
        String body = exchange.getMessage().getBody(String.class);
        if (body != null && !body.isEmpty() && "POST".equalsIgnoreCase(exchange.getMessage().getHeader(
                Exchange.HTTP_METHOD, String.class))) {
            if (contentType != null && contentType.startsWith("application/x-www-form-urlencoded")) {
                for (String pair : body.split("&")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) {
                        p.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                                URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                    }
                }
            } else {
                p.putIfAbsent("text", body);
            }
        }
        return p;
    }

    private static String answer(Exchange exchange, int status, String text) {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
        return text;
    }
}
