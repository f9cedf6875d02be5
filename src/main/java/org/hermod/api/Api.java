package org.hermod.api;

import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.hermod.Problem;
import org.hermod.api.auth.ApiUsers;
import org.hermod.api.auth.Principal;

/** What every API bean shares: the caller, and request parameters that name themselves in errors. */
abstract class Api {

    private final ApiUsers users;

    Api(ApiUsers users) {
        this.users = users;
    }

    /**
     * Authenticates the caller from the request's real Authorization header: platform-http also makes query
     * parameters into message headers, and {@code ?Authorization=Basic ...} must not log anyone in. The message
     * header is removed so it can never be echoed or logged.
     */
    Principal caller(Exchange exchange) {
        HttpMessage http = exchange.getIn(HttpMessage.class);
        String authorization = http == null ? null : http.getRequest().getHeader("Authorization");
        // the TCP peer, never X-Forwarded-For: a client could name any address there
        String source = http == null || http.getRequest().remoteAddress() == null ? null
                : http.getRequest().remoteAddress().hostAddress();
        exchange.getMessage().removeHeader("Authorization");
        return users.authenticate(authorization, source);
    }

    static String param(Exchange exchange, String name) {
        String v = exchange.getMessage().getHeader(name, String.class);
        return v == null || v.isBlank() ? null : Limits.check(name, v);
    }

    static long id(Exchange exchange, String name) {
        String v = param(exchange, name);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw Problem.badRequest(name, "must be a number, was '" + v + "'");
        }
    }

    static int intParam(Exchange exchange, String name, int fallback, int max) {
        String v = param(exchange, name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < 0 || n > max) {
                throw Problem.badRequest(name, "must be between 0 and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw Problem.badRequest(name, "must be a number, was '" + v + "'");
        }
    }
}
