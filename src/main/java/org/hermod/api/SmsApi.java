package org.hermod.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.hermod.Problem;
import org.hermod.api.auth.ApiUsers;
import org.hermod.api.auth.Permission;
import org.hermod.api.auth.Principal;
import org.hermod.outbox.Outbox;
import org.hermod.outbox.Priority;
import org.hermod.outbox.SendRequest;
import org.hermod.outbox.SmsQuery;
import org.hermod.outbox.SmsStatus;

/** {@code /api/sms}: send (with dry run), list and search, one SMS, resend, cancel. */
public final class SmsApi extends Api {

    private static final int DRY_RUN_LISTED = 100;

    private final Outbox outbox;

    public SmsApi(ApiUsers users, Outbox outbox) {
        super(users);
        this.outbox = outbox;
    }

    public String send(Exchange exchange) {
        Principal caller = caller(exchange).require(Permission.SMS_SEND);
        Json.Body b = Json.body(exchange);
        SendRequest request = new SendRequest(caller.tenantFor(b.string("tenant")), b.strings("to"), b.strings("users"),
                b.strings("groups"), b.bool("everyone", false), b.string("text", Limits.TEXT),
                b.string("template", Limits.TEMPLATE_NAME), b.choice("priority", Priority.class), b.instant("sendAfter"),
                b.instant("sendBefore"), b.string("channel", Limits.CHANNEL));
        if (b.bool("dryRun", false)) {
            return Json.respond(exchange, 200, describe(outbox.plan(request), null));
        }
        Outbox.Queued queued = outbox.send(request, caller.username());
        return Json.respond(exchange, 201, describe(queued.plan(), queued.requestId()));
    }

    private static Map<String, Object> describe(Outbox.Plan plan, Long requestId) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (requestId != null) {
            out.put("requestId", requestId);
        } else {
            out.put("dryRun", true);
        }
        out.put("tenant", plan.tenant());
        out.put("text", plan.text().text());
        out.put("encoding", plan.text().encoding().name());
        out.put("characters", plan.text().units());
        out.put("segments", plan.text().segments());
        out.put("priority", plan.priority().name());
        out.put("channel", plan.channel());
        out.put("notBefore", plan.notBefore());
        out.put("queued", plan.accepted());
        List<Map<String, Object>> rejected = plan.recipients().stream().filter(r -> r.rejected() != null)
                .map(r -> Map.<String, Object>of("number", r.number(), "reason", r.rejected())).toList();
        out.put("rejected", rejected);
        out.put("skipped", plan.skipped());
        if (requestId == null) {
            out.put("recipients", plan.recipients().stream().filter(r -> r.rejected() == null).limit(DRY_RUN_LISTED)
                    .map(Outbox.Recipient::number).toList());
        }
        return out;
    }

    public String list(Exchange exchange) {
        Principal caller = caller(exchange).require(Permission.SMS_VIEW);
        SmsQuery query = new SmsQuery(caller.tenantFilter(param(exchange, "tenant")),
                Json.choice("status", param(exchange, "status"), SmsStatus.class),
                Json.instant("from", param(exchange, "from")), Json.instant("to", param(exchange, "to")),
                param(exchange, "recipient"), param(exchange, "text"),
                intParam(exchange, "limit", 100, 1000), intParam(exchange, "offset", 0, Integer.MAX_VALUE));
        return Json.respond(exchange, 200, outbox.search(query));
    }

    public String get(Exchange exchange) {
        Principal caller = caller(exchange).require(Permission.SMS_VIEW);
        long id = id(exchange, "id");
        return Json.respond(exchange, 200, outbox.find(caller.tenantFilter(null), id)
                .orElseThrow(() -> Problem.notFound("SMS " + id)));
    }

    public String resend(Exchange exchange) {
        Principal caller = caller(exchange).require(Permission.SMS_SEND);
        List<Long> created = outbox.resend(caller.tenantFilter(null), Json.body(exchange).longs("ids"),
                caller.username());
        return Json.respond(exchange, 201, Map.of("created", created));
    }

    public String cancel(Exchange exchange) {
        Principal caller = caller(exchange).require(Permission.SMS_SEND);
        long id = id(exchange, "id");
        outbox.cancel(caller.tenantFilter(null), id);
        return Json.respond(exchange, 200, outbox.find(caller.tenantFilter(null), id).orElseThrow());
    }
}
