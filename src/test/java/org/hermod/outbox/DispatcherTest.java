package org.hermod.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import org.hermod.channel.SendOutcome;
import org.hermod.testing.HermodApp;
import org.hermod.testing.Http;
import org.hermod.testing.MutableClock;
import org.hermod.testing.ScriptedChannel;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Dispatching rules with a hand-moved clock and a scripted channel: failures do not block, retries back
 * off, expiry is checked before every attempt, quiet hours, crash recovery, job settings.
 */
class DispatcherTest {

    private static final Instant START = Instant.parse("2026-11-24T10:00:00Z");

    private final MutableClock clock = new MutableClock(START);
    private final ScriptedChannel channel = new ScriptedChannel("scripted");
    private HermodApp app;
    private Http admin;

    @BeforeEach
    void start() {
        app = HermodApp.on(TestDatabases.h2()).bean("clock", clock).bean("scriptedChannel", channel)
                .with("hermod.outbox.default-channel", "scripted")
                .with("hermod.outbox.max-attempts", "3")
                .with("hermod.outbox.claim-timeout", "1m").start();
        admin = app.admin();
    }

    @AfterEach
    void stop() {
        app.close();
    }

    private long send(String json) {
        Http.Response r = admin.post("/api/sms", json);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("requestId").asLong();
    }

    private String status(String recipient) {
        return app.jdbc().query("select status from sms where recipient = ? order by id desc", rs -> rs.getString(1),
                recipient).get(0);
    }

    private long id(String recipient) {
        return app.jdbc().query("select id from sms where recipient = ?", rs -> rs.getLong(1), recipient).get(0);
    }

    private int attempts(String recipient) {
        return app.jdbc().query("select attempts from sms where recipient = ?", rs -> rs.getInt(1), recipient).get(0);
    }

    private String error(String recipient) {
        return app.jdbc().query("select error from sms where recipient = ? order by id desc", rs -> rs.getString(1),
                recipient).get(0);
    }

    @Test
    void aFailingSmsNeverBlocksTheOnesBehindIt() {
        channel.answer("+4529000001", SendOutcome.Result.FAILED);
        channel.answer("+4529000002", SendOutcome.Result.RETRY);
        send("{\"tenant\":\"default\",\"to\":[\"+4529000001\",\"+4529000002\",\"+4529000003\",\"+4529000004\"],"
                + "\"text\":\"x\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> status("+4529000004").equals("SENT"));
        assertThat(status("+4529000003")).isEqualTo("SENT");
        assertThat(status("+4529000001")).isEqualTo("FAILED");
        assertThat(error("+4529000001")).isEqualTo("invalid destination (test)");
        assertThat(status("+4529000002")).isEqualTo("QUEUED");
        assertThat(error("+4529000002")).isEqualTo("throttled by test");
    }

    @Test
    void anSmsSentAfterARetryShowsNoStaleErrorButKeepsItsHistory() {
        channel.answer("+4529000015", SendOutcome.Result.RETRY);
        send("{\"tenant\":\"default\",\"to\":[\"+4529000015\"],\"text\":\"x\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> channel.countTo("+4529000015") == 1);
        channel.answer("+4529000015", SendOutcome.Result.SENT);
        clock.advance(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(10)).until(() -> status("+4529000015").equals("SENT"));
        JsonNode sms = admin.get("/api/sms/" + id("+4529000015")).json();
        assertThat(sms.has("error")).as(sms.toString()).isFalse();
        assertThat(sms.get("history")).hasSize(1);
        assertThat(sms.get("history").get(0).get("attempt").asInt()).isEqualTo(1);
        assertThat(sms.get("history").get(0).get("outcome").asText()).isEqualTo("RETRY");
        assertThat(sms.get("history").get(0).get("error").asText()).isEqualTo("throttled by test");
        assertThat(admin.get("/api/sms?recipient=4529000015").json().get(0).has("history"))
                .as("lists stay lean").isFalse();
    }

    @Test
    void transientFailuresRetryWithBackoffUntilTheyGiveUp() {
        channel.answer("+4529000010", SendOutcome.Result.RETRY);
        send("{\"tenant\":\"default\",\"to\":[\"+4529000010\"],\"text\":\"x\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> channel.countTo("+4529000010") == 1);
        // backoff 10s after the first attempt: nothing happens while the clock stands still
        await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> true);
        assertThat(channel.countTo("+4529000010")).isEqualTo(1);
        assertThat(app.jdbc().query("select next_attempt_at from sms where recipient = '+4529000010'",
                rs -> org.hermod.db.Database.instant(rs, "next_attempt_at")).get(0)).isEqualTo(START.plusSeconds(10));

        clock.advance(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(10)).until(() -> channel.countTo("+4529000010") == 2);
        clock.advance(Duration.ofSeconds(20)); // second backoff doubles
        await().atMost(Duration.ofSeconds(10)).until(() -> status("+4529000010").equals("FAILED"));
        assertThat(error("+4529000010")).isEqualTo("gave up after 3 attempts: throttled by test");

        channel.answer("+4529000011", SendOutcome.Result.RETRY);
        send("{\"tenant\":\"default\",\"to\":[\"+4529000011\"],\"text\":\"x\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> channel.countTo("+4529000011") == 1);
        channel.answer("+4529000011", SendOutcome.Result.SENT);
        clock.advance(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(10)).until(() -> status("+4529000011").equals("SENT"));
    }

    @Test
    void smsOlderThanSevenDaysAreNeverSentEvenAfterAnOutage() {
        assertThat(admin.put("/api/jobs/outbox-dispatch-scripted", "{\"active\":false}").status()).isEqualTo(200);
        send("{\"tenant\":\"default\",\"to\":[\"+4529000020\"],\"text\":\"stale\"}");
        clock.advance(Duration.ofDays(8));
        assertThat(admin.put("/api/jobs/outbox-dispatch-scripted", "{\"active\":true}").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> status("+4529000020").equals("EXPIRED"));
        assertThat(error("+4529000020")).contains("older than 7 days");
        assertThat(channel.countTo("+4529000020")).isZero();
    }

    @Test
    void expiryIsCheckedBeforeEveryAttemptNotOnlyWhenQueued() {
        channel.answer("+4529000021", SendOutcome.Result.RETRY);
        send("{\"tenant\":\"default\",\"to\":[\"+4529000021\"],\"text\":\"x\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> channel.countTo("+4529000021") == 1);
        channel.answer("+4529000021", SendOutcome.Result.SENT);
        clock.advance(Duration.ofDays(7).plusMinutes(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> status("+4529000021").equals("EXPIRED"));
        assertThat(channel.countTo("+4529000021")).isEqualTo(1);
    }

    @Test
    void sendBeforeExpiresAndSendAfterWaits() {
        send("{\"tenant\":\"default\",\"to\":[\"+4529000022\"],\"text\":\"x\",\"sendAfter\":\"2026-11-24T12:00:00Z\","
                + "\"sendBefore\":\"2026-11-24T13:00:00Z\"}");
        send("{\"tenant\":\"default\",\"to\":[\"+4529000023\"],\"text\":\"x\",\"sendAfter\":\"2026-11-24T12:00:00Z\","
                + "\"sendBefore\":\"2026-11-24T13:00:00Z\"}");
        clock.advance(Duration.ofHours(2)); // 12:00
        await().atMost(Duration.ofSeconds(10)).until(() -> status("+4529000022").equals("SENT"));
        assertThat(admin.put("/api/jobs/outbox-dispatch-scripted", "{\"active\":false}").status()).isEqualTo(200);
        app.jdbc().update("update sms set status = 'QUEUED' where recipient = '+4529000023'");
        clock.advance(Duration.ofHours(2)); // 14:00, past send-before
        admin.put("/api/jobs/outbox-dispatch-scripted", "{\"active\":true}");
        await().atMost(Duration.ofSeconds(10)).until(() -> status("+4529000023").equals("EXPIRED"));
        assertThat(error("+4529000023")).contains("send-before");
    }

    @Test
    void quietHoursHoldOrdinarySmsButNotEmergencies() {
        assertThat(admin.post("/api/tenants", "{\"id\":\"night\",\"timeZone\":\"Europe/Copenhagen\","
                + "\"quietStart\":\"21:00\",\"quietEnd\":\"07:00\"}").status()).isEqualTo(201);
        clock.set(Instant.parse("2026-11-24T20:30:00Z")); // 21:30 in Copenhagen
        Http.Response normal = admin.post("/api/sms", "{\"tenant\":\"night\",\"to\":[\"+4529000030\"],\"text\":\"x\"}");
        assertThat(normal.json().get("notBefore").asText()).isEqualTo("2026-11-25T06:00:00Z");
        send("{\"tenant\":\"night\",\"to\":[\"+4529000031\"],\"text\":\"x\",\"priority\":\"EMERGENCY\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> status("+4529000031").equals("SENT"));
        assertThat(status("+4529000030")).isEqualTo("QUEUED");
        clock.set(Instant.parse("2026-11-25T06:00:00Z"));
        await().atMost(Duration.ofSeconds(10)).until(() -> status("+4529000030").equals("SENT"));
    }

    @Test
    void smsLeftSendingByACrashAreRecoveredAndSaySo() {
        String insert = "insert into sms (tenant_id, recipient, text, encoding, segments, status, priority, channel, "
                + "attempts, next_attempt_at, created_at, claimed_by, claimed_at) values ('default', ?, 'x', "
                + "'GSM7', 1, 'SENDING', 1, 'scripted', 1, ?, ?, 'dead-process-1', ?)";
        app.jdbc().update(insert, "+4529000040", START, START, START);
        app.jdbc().update(insert, "+4529000041", START, START, START);
        // the dead process had handed the first to its channel, not the second
        app.jdbc().update("insert into sms_handover (claim, ids) values ('dead-process-1', ?)",
                "," + id("+4529000040") + ",");
        clock.advance(Duration.ofMinutes(2));
        assertThat(admin.post("/api/jobs/outbox-housekeeping/run", null).status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> status("+4529000040").equals("SENT")
                && status("+4529000041").equals("SENT"));
        assertThat(error("+4529000040")).as("sent in the end: no stale error of its own").isNull();
        JsonNode history = admin.get("/api/sms/" + id("+4529000040")).json().get("history");
        assertThat(history).hasSize(1);
        assertThat(history.get(0).get("outcome").asText()).isEqualTo("IN_DOUBT");
        assertThat(history.get(0).get("error").asText()).as("handed to the channel: in doubt")
                .startsWith("in doubt: handed to the channel by a process that then stopped renewing its claim");
        assertThat(admin.get("/api/sms/" + id("+4529000041")).json().get("history").get(0).get("error").asText())
                .as("claimed but never handed over: it had not left").contains("before it handed the SMS to the channel");
        assertThat(attempts("+4529000041"))
                .as("the attempt that never reached the channel is not counted").isEqualTo(1);
        assertThat(attempts("+4529000040")).isEqualTo(2);
        var housekeeping = admin.get("/api/jobs/outbox-housekeeping").json();
        assertThat(housekeeping.get("runCount").asLong()).isPositive();
        assertThat(housekeeping.get("errorCount").asLong()).as(housekeeping.toString()).isZero();
    }

    @Test
    void aJobRunsOnlyForItsTenantsAndWithinItsValidity() {
        assertThat(admin.post("/api/tenants", "{\"id\":\"other\"}").status()).isEqualTo(201);
        assertThat(admin.put("/api/jobs/outbox-dispatch-scripted", "{\"tenants\":[\"other\"]}").status()).isEqualTo(200);
        send("{\"tenant\":\"default\",\"to\":[\"+4529000060\"],\"text\":\"x\"}");
        send("{\"tenant\":\"other\",\"to\":[\"+4529000061\"],\"text\":\"x\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> status("+4529000061").equals("SENT"));
        assertThat(status("+4529000060")).isEqualTo("QUEUED");

        Http.Response expired = admin.put("/api/jobs/outbox-dispatch-scripted",
                "{\"tenants\":[],\"validTo\":\"2026-11-24T09:00:00Z\"}");
        assertThat(expired.status()).as(expired.toString()).isEqualTo(200);
        long runs = admin.get("/api/jobs/outbox-dispatch-scripted").json().get("runCount").asLong();
        await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> true);
        assertThat(admin.get("/api/jobs/outbox-dispatch-scripted").json().get("runCount").asLong()).isEqualTo(runs);
        assertThat(status("+4529000060")).isEqualTo("QUEUED");

        assertThat(admin.put("/api/jobs/outbox-dispatch-scripted", "{\"validTo\":null}").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> status("+4529000060").equals("SENT"));
    }

    @Test
    void jobSettingsScheduleAndRunNow() {
        Http.Response bad = admin.put("/api/jobs/outbox-dispatch-scripted", "{\"schedule\":\"every minute\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("field").asText()).isEqualTo("schedule");
        Http.Response set = admin.put("/api/jobs/outbox-dispatch-scripted", """
                {"schedule": "0 0 3 * * ?", "logLevel": "FULL", "note": "nightly only", "priority": 1}""");
        assertThat(set.status()).as(set.toString()).isEqualTo(200);
        send("{\"tenant\":\"default\",\"to\":[\"+4529000050\"],\"text\":\"x\"}");
        await().atMost(Duration.ofSeconds(5)).until(() -> admin.get("/api/jobs/outbox-dispatch-scripted").json()
                .has("nextRunAt"));
        assertThat(admin.get("/api/jobs/outbox-dispatch-scripted").json().get("nextRunAt").asText())
                .isEqualTo("2026-11-25T02:00:00Z"); // 03:00 Copenhagen
        assertThat(status("+4529000050")).isEqualTo("QUEUED");
        long runs = admin.get("/api/jobs/outbox-dispatch-scripted").json().get("runCount").asLong();
        assertThat(admin.post("/api/jobs/outbox-dispatch-scripted/run", null).status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> status("+4529000050").equals("SENT"));
        var job = admin.get("/api/jobs/outbox-dispatch-scripted").json();
        assertThat(job.get("runCount").asLong()).isEqualTo(runs + 1);
        assertThat(job.get("runRequested").asBoolean()).isFalse();
        assertThat(job.get("note").asText()).isEqualTo("nightly only");
        assertThat(job.get("lastDurationMs")).isNotNull();
        assertThat(admin.get("/api/jobs/nope").status()).isEqualTo(404);
    }
}
