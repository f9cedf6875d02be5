package org.hermod.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.hermod.Problem;
import org.hermod.db.Database;
import org.hermod.jobs.ErrorLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's error handler (the {@code onException} of routes/api.camel.yaml): a {@link Problem}
 * becomes its 4xx answer naming the field; a database that cannot be reached is a 503 with Retry-After; anything
 * else is a 500 with an error id that is also in the error log. (Scheduled routes record their failures through their job policy.)
 */
public final class ApiErrors {

    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    private final ErrorLog errorLog;

    public ApiErrors(ErrorLog errorLog) {
        this.errorLog = errorLog;
    }

    public Object handle(Exchange exchange) {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Map<String, Object> body = new LinkedHashMap<>();
        if (e instanceof Problem p) {
            body.put("error", p.getMessage());
            if (p.field() != null) {
                body.put("field", p.field());
            }
            String json = Json.respond(exchange, p.kind().status, body);
            if (p.kind() == Problem.Kind.UNAUTHENTICATED) {
                exchange.getMessage().setHeader("WWW-Authenticate", "Basic realm=\"hermod\"");
            }
            return json;
        }
        if (Database.isUnreachable(e)) {
            LOG.warn("API request in {} answered 503: the database is not reachable ({})", exchange.getFromRouteId(),
                    e.getMessage());
            body.put("error", "the database is not reachable; nothing was changed, try again shortly");
            String json = Json.respond(exchange, 503, body);
            exchange.getMessage().setHeader("Retry-After", "5");
            return json;
        }
        String id = UUID.randomUUID().toString();
        LOG.error("API error {} in {}", id, exchange.getFromRouteId(), e);
        try {
            errorLog.record(exchange.getFromRouteId(), "API error " + id + ": " + e);
        } catch (RuntimeException logFailed) {
            LOG.error("API error {} could not be written to the error log: {}", id, logFailed.toString());
        }
        body.put("error", "internal error " + id + " (see the error log)");
        return Json.respond(exchange, 500, body);
    }
}
