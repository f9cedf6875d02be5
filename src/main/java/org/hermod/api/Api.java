package org.hermod.api;

import org.apache.camel.Exchange;
import org.hermod.Problem;
import org.hermod.api.auth.ApiUsers;
import org.hermod.api.auth.Principal;

/** What every API bean shares: the caller, and request parameters that name themselves in errors. */
abstract class Api {

    private final ApiUsers users;

    Api(ApiUsers users) {
        this.users = users;
    }

    /** Authenticates the caller; the Authorization header is removed so it can never be echoed or logged. */
    Principal caller(Exchange exchange) {
        String authorization = exchange.getMessage().getHeader("Authorization", String.class);
        exchange.getMessage().removeHeader("Authorization");
        return users.authenticate(authorization);
    }

    static String param(Exchange exchange, String name) {
        String v = exchange.getMessage().getHeader(name, String.class);
        return v == null || v.isBlank() ? null : v;
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
