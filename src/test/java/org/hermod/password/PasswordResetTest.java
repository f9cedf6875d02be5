package org.hermod.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.hermod.api.auth.Passwords;
import org.hermod.inbound.Inbound;
import org.hermod.testing.HermodApp;
import org.hermod.testing.Http;
import org.hermod.testing.MutableClock;
import org.hermod.testing.ScriptedChannel;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * SMS password reset on the real application: an inbound SMS "PASSWORD" goes through the inbound router to the
 * handler, the new password through the outbox to the (scripted) channel, to the registered number only; refused
 * attempts are audited and get no SMS.
 */
class PasswordResetTest {

    private static final String CALLBACK_SECRET = "callback-secret-0123456789";

    private HermodApp app;
    private Inbound inbound;
    private final AtomicInteger ids = new AtomicInteger();
    private final ScriptedChannel channel = new ScriptedChannel("scripted");
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-12T10:00:00Z"));
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void start() {
        logs.start();
        root.addAppender(logs);
        app = HermodApp.on(database()).bean("clock", clock).bean("scripted", channel)
                .with("hermod.outbox.default-channel", "scripted")
                .with("hermod.reset.text", "{account}: {password}")
                .with("hermod.websms.channels[0].name", "web")
                .with("hermod.websms.channels[0].token", "tok")
                .with("hermod.websms.channels[0].callback-secret", CALLBACK_SECRET)
                .start();
        inbound = app.camel().getRegistry().lookupByNameAndType("inbound", Inbound.class);
        user("u1", "anna", "+45 20 11 22 01", null);
        user("u2", "bo", "+45 20 11 22 02", "2025-12-31");
        user("u3", "carl", "+45 20 11 22 03", null);
        user("u4", "dora", "+45 20 11 22 03", null);
        user("u5", "erik", "+45 20 11 22 05", "2026-01-12"); // last day today: still active
    }

    /** H2 here; {@code PasswordResetPostgresIT} runs the same on embedded PostgreSQL. */
    String database() {
        return TestDatabases.h2();
    }

    @AfterEach
    void stop() {
        app.close();
        root.detachAppender(logs);
    }

    private void user(String sisId, String account, String mobile, String endDate) {
        app.jdbc().update("insert into dir_user (tenant_id, sis_id, account, mobile, mobile_norm, end_date, source) "
                + "values ('default', ?, ?, ?, ?, ?, 'test')", sisId, account, mobile, mobile.replace(" ", ""),
                endDate == null ? null : java.time.LocalDate.parse(endDate));
    }

    private void sms(String sender, String text) {
        inbound.received("scripted", "in-" + ids.incrementAndGet(), sender, "+4512345678", text, null);
    }

    private List<String> audit() {
        return app.jdbc().query("select outcome || ' ' || sender || ' ' || coalesce(cast(user_id as varchar), '-') || ' ' || reason "
                + "from password_reset order by id", rs -> rs.getString(1));
    }

    private long userId(String sisId) {
        return app.count("select id from dir_user where sis_id = ?", sisId);
    }

    @Test
    void aRegisteredNumberGetsANewPasswordOthersAreAuditedAndGetNothing() {
        sms("4520112201", "password please"); // as an SMSC writes it: international without '+'
        await().atMost(Duration.ofSeconds(10)).until(() -> channel.received.size() == 1);
        assertThat(channel.received.get(0).recipient()).isEqualTo("+4520112201");
        String text = channel.received.get(0).text().text();
        assertThat(text).matches("anna: [A-Za-z0-9]{10}");
        String password = text.substring("anna: ".length());
        assertThat(Passwords.matches(password, app.jdbc().query("select password_hash from dir_user where sis_id = 'u1'",
                rs -> rs.getString(1)).get(0))).isTrue();
        assertThat(app.count("select count(*) from sms_request where requested_by = 'password-reset'")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> app.jdbc().query("select text from sms", rs -> rs.getString(1))
                .equals(List.of("anna: " + PasswordText.MASK)));
        assertThat(app.jdbc().query("select handled_by from inbound_sms", rs -> rs.getString(1))).containsExactly("password-reset");

        sms("+4520119999", "PASSWORD");
        sms("+45 20 11 22 02", "Password");
        sms("+4520112203", "PASSWORD");
        sms("+4520112205", "PASSWORD");
        await().atMost(Duration.ofSeconds(10)).until(() -> channel.received.size() == 2);
        assertThat(channel.received.get(1).recipient()).isEqualTo("+4520112205");
        assertThat(audit()).containsExactly(
                "SENT +45*****201 " + userId("u1") + " new password queued (request 1)",
                "REFUSED +45*****999 - unknown number",
                "REFUSED +45*****202 " + userId("u2") + " the number's user has ended",
                "REFUSED +45*****203 - number shared by 2 active users",
                "SENT +45*****205 " + userId("u5") + " new password queued (request 2)");

        // the limit: 3 an hour per number (every attempt) and per user (passwords sent)
        sms("+4520112201", "PASSWORD");
        sms("+4520112201", "PASSWORD");
        sms("+4520112201", "PASSWORD");
        assertThat(audit().subList(5, 8)).extracting(a -> a.split(" ")[0]).containsExactly("SENT", "SENT", "REFUSED");
        assertThat(audit().get(7)).contains("rate limited");
        clock.advance(Duration.ofMinutes(61));
        sms("+4520112201", "PASSWORD");
        assertThat(audit().get(8)).startsWith("SENT");
        await().atMost(Duration.ofSeconds(10)).until(() -> channel.received.size() == 5);
        assertThat(channel.received).extracting(s -> s.recipient()).containsOnly("+4520112201", "+4520112205");

        String logged = logs.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.joining("\n"));
        for (var sent : channel.received) {
            String p = sent.text().text().substring(sent.text().text().indexOf(": ") + 2);
            assertThat(logged).doesNotContain(p);
        }
        assertThat(logged).contains("Password reset").doesNotContain("20112201");
    }

    /**
     * Twelve simultaneous PASSWORD SMS from one number, as websms callbacks over HTTP: the limit (3 an hour) holds,
     * three passwords are issued and the other nine attempts are refused and audited.
     */
    @Test
    void simultaneousResetsFromOneNumberStayWithinTheLimit() throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + app.port() + "/websms/web/callback?secret="
                + CALLBACK_SECRET);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(12);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        try {
            List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String body = "{\"messageType\":\"text\",\"messageId\":\"par-" + i + "\",\"senderAddress\":\"4520112201\","
                        + "\"recipientAddress\":\"4512345678\",\"textMessageContent\":\"PASSWORD\"}";
                answers.add(pool.submit(() -> {
                    go.await();
                    return client.send(java.net.http.HttpRequest.newBuilder(uri)
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                            java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
                }));
            }
            go.countDown();
            for (var answer : answers) {
                assertThat(answer.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(audit()).as(String.join("\n", audit())).hasSize(12);
        assertThat(audit()).as(String.join("\n", audit())).noneMatch(a -> a.startsWith("FAILED"));
        assertThat(app.count("select count(*) from password_reset where outcome = 'SENT' and user_id = ?", userId("u1")))
                .isEqualTo(3);
        assertThat(app.count("select count(*) from password_reset where outcome = 'REFUSED' and reason like 'rate limited%'"))
                .isEqualTo(9);
        assertThat(app.count("select count(*) from sms_request where requested_by = 'password-reset'")).isEqualTo(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> channel.received.size() == 3);
    }

    /**
     * A user created through {@code POST /api/directory/users} can reset by SMS; after her mobile is changed through
     * the API, the old number is refused (it is no longer hers) and the new one works.
     */
    @Test
    void theDirectoryApiKeepsTheNumberTheResetLooksUp() throws Exception {
        Http admin = app.admin();
        String user = "{\"tenant\":\"default\",\"users\":[{\"sisId\":\"api-1\",\"account\":\"fia\",\"mobile\":\"%s\"}]}";
        assertThat(admin.post("/api/directory/users", user.formatted("+45 20 11 22 77")).status()).isEqualTo(200);
        assertThat(callback("api-a", "4520112277", "PASSWORD")).isEqualTo(200);
        assertThat(audit()).last().asString().startsWith("SENT +45*****277 " + userId("api-1"));

        assertThat(admin.post("/api/directory/users", user.formatted("0045 20 11 22 78")).status()).isEqualTo(200);
        assertThat(app.jdbc().query("select mobile_norm from dir_user where sis_id = 'api-1'", rs -> rs.getString(1)))
                .containsExactly("+4520112278");
        assertThat(callback("api-b", "4520112277", "PASSWORD")).isEqualTo(200);
        assertThat(audit()).last().asString().isEqualTo("REFUSED +45*****277 - unknown number");
        assertThat(callback("api-c", "+4520112278", "PASSWORD")).isEqualTo(200);
        assertThat(audit()).last().asString().startsWith("SENT +45*****278 " + userId("api-1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> channel.received.size() == 2);
        assertThat(channel.received).extracting(s -> s.recipient()).containsExactly("+4520112277", "+4520112278");
    }

    /** An inbound SMS as websms.com posts it to the callback: the HTTP status. */
    private int callback(String messageId, String sender, String text) throws Exception {
        String body = "{\"messageType\":\"text\",\"messageId\":\"" + messageId + "\",\"senderAddress\":\""
                + sender.replace("+", "") + "\",\"recipientAddress\":\"4512345678\",\"textMessageContent\":\"" + text + "\"}";
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://127.0.0.1:" + app.port() + "/websms/web/callback?secret=" + CALLBACK_SECRET))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void aResentResetCarriesANewPasswordInTheResetTextWithItsPriorityAndIsAudited() {
        sms("+4520112201", "PASSWORD");
        await().atMost(Duration.ofSeconds(10)).until(() -> channel.received.size() == 1);
        String first = channel.received.get(0).text().text().substring("anna: ".length());
        long firstId = app.count("select id from sms");
        await().atMost(Duration.ofSeconds(10)).until(() -> app.jdbc().query("select text from sms", rs -> rs.getString(1))
                .equals(List.of("anna: " + PasswordText.MASK)));

        Http.Response r = app.admin().post("/api/sms/resend", "{\"ids\": [" + firstId + "]}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        long resentId = r.json().get("created").get(0).asLong();
        await().atMost(Duration.ofSeconds(10)).until(() -> channel.received.size() == 2);
        assertThat(channel.received.get(1).recipient()).isEqualTo("+4520112201");
        String text = channel.received.get(1).text().text();
        assertThat(text).matches("anna: [A-Za-z0-9]{10}");
        String second = text.substring("anna: ".length());
        assertThat(second).isNotEqualTo(first);
        String hash = app.jdbc().query("select password_hash from dir_user where sis_id = 'u1'", rs -> rs.getString(1)).get(0);
        assertThat(Passwords.matches(second, hash)).isTrue();
        assertThat(Passwords.matches(first, hash)).isFalse();
        assertThat(app.count("select priority from sms where id = ?", resentId)).as("EMERGENCY, like the reset").isZero();
        assertThat(app.count("select resent_from from sms where id = ?", resentId)).isEqualTo(firstId);
        long request = app.count("select request_id from sms where id = ?", resentId);
        assertThat(audit()).containsExactly(
                "SENT +45*****201 " + userId("u1") + " new password queued (request 1)",
                "SENT resend:admin " + userId("u1") + " SMS " + firstId + " resent by admin: new password queued (request "
                        + request + ")");
        await().atMost(Duration.ofSeconds(10)).until(() -> app.jdbc().query("select text from sms", rs -> rs.getString(1))
                .equals(List.of("anna: " + PasswordText.MASK, "anna: " + PasswordText.MASK)));

        String logged = logs.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.joining("\n"));
        assertThat(logged).contains("resent by admin with a new password").doesNotContain(first).doesNotContain(second);
    }
}
