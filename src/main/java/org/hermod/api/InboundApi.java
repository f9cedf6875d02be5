package org.hermod.api;

import org.apache.camel.Exchange;
import org.hermod.api.auth.ApiUsers;
import org.hermod.api.auth.Permission;
import org.hermod.inbound.Inbound;

/** {@code GET /api/inbound}: the most recent inbound SMS of every channel. Operators, permission sms.view. */
public final class InboundApi extends Api {

    private final Inbound inbound;

    public InboundApi(ApiUsers users, Inbound inbound) {
        super(users);
        this.inbound = inbound;
    }

    public String list(Exchange exchange) {
        caller(exchange).require(Permission.SMS_VIEW).requireOperator();
        return Json.respond(exchange, 200, inbound.recent(intParam(exchange, "limit", 100, 1000)));
    }
}
