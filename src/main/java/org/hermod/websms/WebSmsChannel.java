package org.hermod.websms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import org.hermod.channel.Handover;
import org.hermod.channel.HandoverGate;
import org.hermod.channel.OutgoingSms;
import org.hermod.channel.SendOutcome;
import org.hermod.channel.SmsChannel;
import org.hermod.outbox.DeliveryReports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * websms.com's REST API: one {@code POST {url}/rest/smsmessaging/text} per SMS (so every SMS has its own
 * {@code transferId} for delivery reports), at most {@code parallel} requests at a time. Answers are mapped by
 * {@link WebSmsStatus}; a timeout or an I/O error is a RETRY.
 *
 * <p>Why the JDK's HttpClient and not camel-http: the dispatcher needs a synchronous outcome per SMS of a batch
 * with a bounded number of concurrent requests; with {@code HttpClient.sendAsync} that is a few lines and no
 * extra dependency (camel-http would add Apache HttpClient 5 and an exchange per SMS for the same mapping).
 */
public final class WebSmsChannel implements SmsChannel {

    private static final Logger LOG = LoggerFactory.getLogger(WebSmsChannel.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebSmsSettings settings;
    private final DeliveryReports reports;
    private final HttpClient client;
    private final String authorization;

    public WebSmsChannel(WebSmsSettings settings, DeliveryReports reports) {
        this.settings = settings;
        this.reports = reports;
        this.client = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
        this.authorization = settings.token().isEmpty()
                ? "Basic " + Base64.getEncoder().encodeToString((settings.username() + ":" + settings.password())
                .getBytes(StandardCharsets.UTF_8))
                : "Bearer " + settings.token();
    }

    @Override
    public String name() {
        return settings.name();
    }

    public WebSmsSettings settings() {
        return settings;
    }

    @Override
    public List<SendOutcome> send(List<OutgoingSms> batch) {
        return send(batch, Handover.NONE);
    }

    /** {@code parallel} requests in flight; the SMS are marked as handed over a little ahead of their requests. */
    @Override
    public List<SendOutcome> send(List<OutgoingSms> batch, Handover handover) {
        Semaphore slots = new Semaphore(settings.parallel());
        HandoverGate gate = HandoverGate.open(batch, settings.parallel(), handover, Runnable::run);
        List<CompletableFuture<SendOutcome>> futures = new ArrayList<>(batch.size());
        for (HandoverGate.Turn turn; (turn = gate.take()) != null; ) {
            OutgoingSms sms = turn.sms();
            if (!turn.mayGo()) {
                futures.add(CompletableFuture.completedFuture(SendOutcome.notSent(sms.id(), turn.refused())));
                continue;
            }
            slots.acquireUninterruptibly();
            futures.add(client.sendAsync(request(sms), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                    .handle((response, error) -> {
                        slots.release();
                        SendOutcome outcome = outcome(sms, response, error);
                        gate.answered(outcome);
                        return outcome;
                    }));
        }
        List<SendOutcome> outcomes = futures.stream().map(CompletableFuture::join).toList();
        gate.flush();
        java.util.Map<Long, String> recipients = new java.util.HashMap<>();
        batch.forEach(sms -> recipients.put(sms.id(), sms.recipient()));
        reports.recordParts(name(), outcomes.stream().filter(o -> o.result() == SendOutcome.Result.SENT)
                .map(o -> new DeliveryReports.Part(o.id(), o.providerId(), 1, 1, recipients.get(o.id()))).toList());
        return outcomes;
    }

    HttpRequest request(OutgoingSms sms) {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("recipientAddressList").add(sms.recipient().replaceAll("\\D", ""));
        body.put("messageContent", sms.text().text());
        if (!settings.senderAddress().isEmpty()) {
            body.put("senderAddress", settings.senderAddress());
        }
        body.put("test", settings.test());
        body.put("maxSmsPerMessage", Math.max(settings.maxSmsPerMessage(), sms.text().segments()));
        body.put("validityPeriode", settings.validity().toSeconds());
        body.put("priority", sms.emergency() ? 9 : 5);
        body.put("clientMessageId", Long.toString(sms.id()));
        if (!settings.callbackUrl().isEmpty()) {
            body.put("notificationCallbackUrl", settings.callbackUrl());
        }
        return HttpRequest.newBuilder(settings.url().resolve(settings.url().getPath() + "/rest/smsmessaging/text"))
                .timeout(settings.timeout())
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Accept", "application/json")
                .header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
                .build();
    }

    private SendOutcome outcome(OutgoingSms sms, HttpResponse<String> response, Throwable error) {
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            return cause instanceof HttpTimeoutException && !(cause instanceof java.net.http.HttpConnectTimeoutException)
                    ? SendOutcome.inDoubt(sms.id(), "websms: no answer within " + settings.timeout())
                    : SendOutcome.retry(sms.id(), "websms: " + cause);
        }
        Integer statusCode = null;
        String message = null;
        String transferId = null;
        try {
            JsonNode json = JSON.readTree(response.body());
            if (json != null && json.has("statusCode")) {
                statusCode = json.get("statusCode").asInt();
                message = json.path("statusMessage").asText(null);
                transferId = json.path("transferId").asText(null);
            }
        } catch (IOException e) {
            LOG.debug("websms {}: answer is not JSON: {}", name(), e.getMessage());
        }
        return WebSmsStatus.outcome(sms.id(), response.statusCode(), statusCode, message, transferId);
    }
}
