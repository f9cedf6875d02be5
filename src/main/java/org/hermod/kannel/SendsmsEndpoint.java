package org.hermod.kannel;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.hermod.db.Database;
import org.hermod.jobs.ErrorLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code GET} and {@code POST /cgi-bin/sendsms} on the API's listener (its port, TLS and worker threads),
 * as a Vert.x route of the API's router rather than a Camel route.
 *
 * <p>Why not a Camel route like the rest of the API: a Kannel sender makes one request per SMS, and the drop-in must
 * take them at least as fast as Kannel does. Through platform-http, each request was copied into a Camel message
 * (every header and query parameter through the header filter), handed to a worker, and run through a route's unit of
 * work, error handler and route policies: profiled, that was about 60 % of the CPU a request cost, and Hermod took
 * 0.4 times Kannel's requests per second (docs/PERFORMANCE.md, "Kannel's sendsms per request"). Here the request goes
 * straight to {@link KannelSendsms} on a worker thread. What the API's routes give every request is kept: the
 * credential check and permission ({@link KannelSendsms}), a body limit, a 503 with Retry-After when the database
 * cannot be reached, and a 500 whose id is in the error log for anything else. Where the SMS go from here is the
 * outbox's route (routes/outbox.camel.yaml); routes/kannel.camel.yaml says where this endpoint is.
 */
public final class SendsmsEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(SendsmsEndpoint.class);
    /** A Kannel request is a few parameters and a text of at most a few KB; anything larger is refused (413). */
    static final long BODY_LIMIT = 256 * 1024;
    static final String PATH = "/cgi-bin/sendsms";

    private final KannelSendsms sendsms;
    private final ErrorLog errorLog;

    public SendsmsEndpoint(KannelSendsms sendsms, ErrorLog errorLog) {
        this.sendsms = sendsms;
        this.errorLog = errorLog;
    }

    /** Adds the endpoint to the router of the API's port; call once platform-http has started its server. */
    public void install(CamelContext camel, int apiPort) {
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(camel,
                VertxPlatformHttpRouter.getRouterNameFromPort(apiPort));
        if (router == null) {
            throw new IllegalStateException("no HTTP router for the API's port " + apiPort + ": " + PATH + " not served");
        }
        router.route(PATH).method(HttpMethod.GET).method(HttpMethod.POST)
                .handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT).setHandleFileUploads(false))
                .blockingHandler(this::handle, false);
    }

    private void handle(RoutingContext ctx) {
        HttpServerResponse response = ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8");
        KannelSendsms.Answer answer;
        try {
            byte[] body = ctx.body() == null || ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
            answer = sendsms.handle(ctx.request(), body);
        } catch (RuntimeException e) {
            answer = failed(e);
        }
        if (answer.status() == 503) {
            response.putHeader("Retry-After", "5");
        }
        response.setStatusCode(answer.status()).end(answer.text());
    }

    /** As the API's error handler does ({@code org.hermod.api.ApiErrors}), in Kannel's plain text. */
    private KannelSendsms.Answer failed(RuntimeException e) {
        if (Database.isUnreachable(e)) {
            LOG.warn("sendsms request answered 503: the database is not reachable ({})", e.getMessage());
            return new KannelSendsms.Answer(503, "Temporary failure: the database is not reachable; nothing was "
                    + "queued, try again shortly");
        }
        String id = UUID.randomUUID().toString();
        LOG.error("sendsms error {}", id, e);
        try {
            errorLog.record("kannel-sendsms", "sendsms error " + id + ": " + e);
        } catch (RuntimeException logFailed) {
            LOG.error("sendsms error {} could not be written to the error log: {}", id, logFailed.toString());
        }
        return new KannelSendsms.Answer(500, "Internal error " + id + " (see the error log)");
    }
}
