package org.hermod.websms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.hermod.inbound.Inbound;
import org.hermod.outbox.DeliveryReports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * websms.com's notification callbacks ({@code POST /websms/{channel}/callback?secret=…}, routes/websms.camel.yaml):
 * an incoming SMS ({@code messageType: text}) goes to {@link Inbound#received} keyed by its {@code messageId}; a
 * delivery report ({@code messageType: deliveryReport}) to {@link DeliveryReports} by its {@code transferId}. The
 * secret in the URL (or the request's own {@code Authorization: Bearer} header) must match the channel's
 * {@code callback-secret}: missing → 401, wrong → 403, and nothing is processed. Both paths are idempotent, so a
 * repeated callback changes nothing. An incoming SMS whose fields are longer than Hermod's columns is stored all the
 * same, cut to fit ({@link Inbound#received} says so in the log).
 */
public final class WebSmsCallbacks {

    private static final Logger LOG = LoggerFactory.getLogger(WebSmsCallbacks.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** sms_part.provider_id and pending_report.provider_id (V10), pending_report.recipient (V41). */
    private static final int MAX_PROVIDER_ID = 128;
    private static final int MAX_ADDRESS = 32;

    private final Map<String, WebSmsSettings> channels;
    private final Inbound inbound;
    private final DeliveryReports reports;
    private final Clock clock;

    public WebSmsCallbacks(List<WebSmsChannel> channels, Inbound inbound, DeliveryReports reports, Clock clock) {
        this.channels = channels.stream().map(WebSmsChannel::settings)
                .collect(Collectors.toMap(WebSmsSettings::name, Function.identity()));
        this.inbound = inbound;
        this.reports = reports;
        this.clock = clock;
    }

    public String handle(Exchange exchange) {
        String channel = exchange.getMessage().getHeader("channel", String.class);
        String secret = exchange.getMessage().getHeader("secret", String.class);
        String authorization = authorization(exchange);
        if (secret == null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            secret = authorization.substring(7).trim();
        }
        String body = exchange.getMessage().getBody(String.class);
        WebSmsSettings settings = channels.get(channel);
        if (settings == null || settings.callbackSecret().isEmpty()) {
            return respond(exchange, 404, 4004, "no websms channel '" + channel + "' with callbacks");
        }
        if (secret == null || secret.isBlank()) {
            return respond(exchange, 401, 4001, "secret required");
        }
        if (!MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8),
                settings.callbackSecret().getBytes(StandardCharsets.UTF_8))) {
            LOG.warn("websms {}: callback with a wrong secret refused", channel);
            return respond(exchange, 403, 4003, "wrong secret");
        }
        JsonNode json;
        try {
            json = JSON.readTree(body == null ? "" : body);
        } catch (IOException e) {
            return respond(exchange, 400, 4000, "not JSON");
        }
        if (json == null || !json.isObject()) {
            return respond(exchange, 400, 4000, "not a JSON object");
        }
        String type = json.path("messageType").asText("");
        switch (type) {
            case "text" -> {
                String messageId = json.path("messageId").asText(json.path("notificationId").asText(""));
                String sender = json.path("senderAddress").asText("");
                if (messageId.isEmpty() || sender.isEmpty()) {
                    return respond(exchange, 400, 4000, "messageId and senderAddress are required");
                }
                boolean international = "international".equalsIgnoreCase(json.path("senderAddressType").asText(
                        "international"));
                inbound.received(channel, messageId, international ? "+" + sender.replaceFirst("^\\+", "") : sender,
                        json.path("recipientAddress").asText(null), json.path("textMessageContent").asText(""),
                        clock.instant());
            }
            case "deliveryReport" -> {
                String transferId = json.path("transferId").asText("");
                if (transferId.isEmpty()) {
                    return respond(exchange, 400, 4000, "transferId is required");
                }
                // a report cannot be kept like an inbound SMS: one with ids longer than Hermod stores matches no SMS
                if (transferId.length() > MAX_PROVIDER_ID) {
                    return respond(exchange, 400, 4000, "transferId: at most " + MAX_PROVIDER_ID + " characters");
                }
                if (json.path("recipientAddress").asText("").length() > MAX_ADDRESS) {
                    return respond(exchange, 400, 4000, "recipientAddress: at most " + MAX_ADDRESS + " characters");
                }
                DeliveryReports.Report report = WebSmsStatus.report(json.path("deliveryReportMessageStatus").asText(null));
                if (report != null) {
                    reports.apply(channel, transferId, json.path("recipientAddress").asText(""), report);
                }
            }
            default -> LOG.info("websms {}: callback of type '{}' ignored", channel, type);
        }
        return respond(exchange, 200, 2000, "ok");
    }

    /**
     * The request's own Authorization header: a message header of that name could be a query parameter
     * ({@code ?Authorization=Bearer ...}), and the secret belongs in {@code ?secret=} or the real header only.
     */
    private static String authorization(Exchange exchange) {
        HttpMessage http = exchange.getIn(HttpMessage.class);
        return http == null || http.getRequest() == null ? null : http.getRequest().getHeader("Authorization");
    }

    private static String respond(Exchange exchange, int http, int statusCode, String message) {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, http);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        return JSON.createObjectNode().put("statusCode", statusCode).put("statusMessage", message).toString();
    }
}
