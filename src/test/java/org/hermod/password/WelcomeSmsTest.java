package org.hermod.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.hermod.api.auth.Passwords;
import org.hermod.channel.OutgoingSms;
import org.hermod.channel.SendOutcome;
import org.hermod.sis.SisDrops;
import org.hermod.testing.HermodApp;
import org.hermod.testing.Http;
import org.hermod.testing.MutableClock;
import org.hermod.testing.ScriptedChannel;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The welcome SMS end to end on the real application: a mapped CSV dropped into an SIS folder creates users; each new
 * user with account and mobile gets one SMS with a temporary password through the (scripted) channel; only its hash
 * stays on the user, and no SMS row, request row or log line keeps the password once the SMS is final.
 */
class WelcomeSmsTest {

    private static final String HEADER = "Person-ID;Brugernavn;Fornavn;Efternavn;Rolle;Mobil;E-mail;Startdato;Slutdato;Hold;Bemærkning\n";
    private static final Pattern PASSWORD = Pattern.compile("password ([A-Za-z0-9]+) at");

    @TempDir
    Path temp;
    private Path folder;
    private HermodApp app;
    private final ScriptedChannel channel = new ScriptedChannel("scripted");
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-12T10:00:00Z"));
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void start() {
        logs.start();
        root.addAppender(logs);
        folder = temp.resolve("drop");
        app = HermodApp.on(TestDatabases.h2()).bean("clock", clock).bean("scripted", channel)
                .with("hermod.outbox.default-channel", "scripted")
                .with("hermod.sis.imports[0].name", "simple")
                .with("hermod.sis.imports[0].folder", folder.toString())
                .with("hermod.sis.imports[0].format", "mapped")
                .with("hermod.sis.imports[0].mapping", "mappings/simple-users.properties")
                .with("hermod.sis.poll-interval", "100ms")
                .with("hermod.sis.read-lock-check-interval", "100")
                .with("hermod.sis.read-lock-min-age", "100ms")
                .with("hermod.welcome.poll-interval", "200ms")
                .with("hermod.welcome.text", "Hi {givenName}, login {account} password {password} at {loginUrl}")
                .with("hermod.welcome.login-url", "https://login.example.org")
                .start();
    }

    @AfterEach
    void stop() {
        app.close();
        root.detachAppender(logs);
    }

    private void drop(String name, String rows) throws Exception {
        Path file = temp.resolve(name);
        Files.writeString(file, HEADER + rows);
        SisDrops.drop(file, folder, name);
        SisDrops.awaitProcessed(folder, name);
    }

    private static String password(OutgoingSms sms) {
        Matcher m = PASSWORD.matcher(sms.text().text());
        assertThat(m.find()).as(sms.text().text()).isTrue();
        return m.group(1);
    }

    private List<String> smsTexts() {
        return app.jdbc().query("select text from sms", rs -> rs.getString(1));
    }

    private String hash(String sisId) {
        return app.jdbc().query("select password_hash from dir_user where sis_id = ?", rs -> rs.getString(1), sisId).get(0);
    }

    private void dueUser(String sisId, String account, String givenName, String mobile) {
        app.jdbc().update("insert into dir_user (tenant_id, sis_id, account, given_name, mobile, mobile_norm, source, welcome_due) "
                + "values ('default', ?, ?, ?, ?, ?, 'simple', true)", sisId, account, givenName, mobile, mobile);
    }

    private long smsTo(String recipient) {
        return app.count("select max(id) from sms where recipient = ?", recipient);
    }

    private void awaitAllMasked() {
        await().atMost(Duration.ofSeconds(10)).until(() -> smsTexts().stream().allMatch(t -> t.contains(PasswordText.MASK)));
    }

    @Test
    void theWaitingSmsHoldsItsPasswordSealedNeverInClear() {
        assertThat(app.admin().put("/api/jobs/outbox-dispatch-scripted", "{\"active\":false}").status()).isEqualTo(200);
        dueUser("2001", "sealed01", "Ida", "+4520112299");
        await().atMost(Duration.ofSeconds(20)).until(() -> app.count("select count(*) from sms where status = 'QUEUED'") == 1);
        String stored = smsTexts().get(0);
        String request = app.jdbc().query("select text from sms_request", rs -> rs.getString(1)).get(0);
        assertThat(stored).as("the waiting SMS's text").startsWith("sealed:v1:").doesNotContain("sealed01");
        assertThat(request).contains(PasswordText.MASK);

        assertThat(app.admin().put("/api/jobs/outbox-dispatch-scripted", "{\"active\":true}").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> channel.received.size() == 1);
        String password = password(channel.received.get(0));
        assertThat(channel.received.get(0).text().text()).as("the channel gets the text itself").contains("login sealed01");
        assertThat(stored).doesNotContain(password);
        awaitAllMasked();
    }

    @Test
    void aNewUserGetsOneWelcomeSmsWhosePasswordOnlyTheChannelAndTheHashKeep() throws Exception {
        drop("a.csv", """
                1001;soer0417;Søren;Ærøbo;Elev;+45 20 11 22 01;;11.08.2025;;7.a;
                1002;;Freja;Østergaard;Elev;+45 20 11 22 02;;11.08.2025;;7.a;
                1003;biaa;Birgitte;Ågesen;Lærer;;;01.08.2020;;7.a;
                """);
        await().atMost(Duration.ofSeconds(20)).until(() -> channel.received.size() == 1);
        OutgoingSms sms = channel.received.get(0);
        assertThat(sms.recipient()).isEqualTo("+4520112201");
        assertThat(sms.text().text()).startsWith("Hi Søren, login soer0417 password ").endsWith(" at https://login.example.org");
        String password = password(sms);
        assertThat(password).hasSize(10);
        // the API never shows it, not even before the row is masked, and a text search cannot probe for it
        assertThat(app.admin().get("/api/sms?limit=1000").raw()).contains("password ********").doesNotContain(password);
        assertThat(app.admin().get("/api/sms?text=" + password).json()).isEmpty();

        String hash = app.jdbc().query("select password_hash from dir_user where sis_id = '1001'", rs -> rs.getString(1)).get(0);
        assertThat(Passwords.matches(password, hash)).isTrue();
        assertThat(app.count("select count(*) from dir_user where sis_id = '1001' and welcome_due = false "
                + "and welcomed_at is not null and password_set_at is not null")).isEqualTo(1);
        assertThat(app.count("select count(*) from dir_user where password_hash is not null")).as("no account or no mobile: none")
                .isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> smsTexts().stream().allMatch(t -> t.contains(PasswordText.MASK)));
        assertThat(smsTexts()).singleElement().asString().doesNotContain(password)
                .isEqualTo("Hi Søren, login soer0417 password ******** at https://login.example.org");
        assertThat(app.jdbc().query("select text from sms_request", rs -> rs.getString(1))).singleElement().asString()
                .doesNotContain(password);
        assertThat(app.count("select count(*) from sms_request where requested_by = 'welcome'")).isEqualTo(1);

        // the same users again with a change, and one new user: only the new one is welcomed
        drop("b.csv", """
                1001;soer0417;Søren Ole;Ærøbo;Elev;+45 20 11 22 01;;11.08.2025;;7.a;
                1002;;Freja;Østergaard;Elev;+45 20 11 22 02;;11.08.2025;;7.a;
                1003;biaa;Birgitte;Ågesen;Lærer;;;01.08.2020;;7.a;
                1004;mads;Mads;Holm;Elev;+45 20 11 22 04;;11.08.2025;;7.a;
                """);
        await().atMost(Duration.ofSeconds(20)).until(() -> channel.received.size() == 2);
        assertThat(channel.received.get(1).recipient()).isEqualTo("+4520112204");
        String second = password(channel.received.get(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> smsTexts().stream().allMatch(t -> t.contains(PasswordText.MASK)));
        assertThat(String.join("\n", smsTexts())).doesNotContain(password).doesNotContain(second);

        String logged = logs.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.joining("\n"));
        assertThat(logged).contains("welcome SMS queued").doesNotContain(password).doesNotContain(second);
        assertThat(channel.received).hasSize(2);
    }

    @Test
    void aWelcomeSmsThatFailsLosesItsPasswordToo() throws Exception {
        channel.answer("+4520112201", SendOutcome.Result.FAILED);
        drop("a.csv", "1001;soer0417;Søren;Ærøbo;Elev;+45 20 11 22 01;;11.08.2025;;7.a;\n");
        await().atMost(Duration.ofSeconds(20)).until(() -> channel.received.size() == 1);
        String password = password(channel.received.get(0));
        await().atMost(Duration.ofSeconds(10)).until(() -> app.count("select count(*) from sms where status = 'FAILED'") == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> smsTexts().stream().allMatch(t -> t.contains(PasswordText.MASK)));
        assertThat(String.join("\n", smsTexts())).doesNotContain(password);
    }

    @Test
    void aUserLeftDueByAProcessThatDiedIsWelcomedByTheTimerOnceWithTheTenantsTemplate() {
        app.jdbc().update("insert into sms_template (tenant_id, name, text) values ('default', 'welcome', "
                + "'Velkommen {givenName}: {account} / {password}')");
        app.jdbc().update("insert into dir_user (tenant_id, sis_id, account, given_name, mobile, mobile_norm, source, welcome_due) "
                + "values ('default', 'x1', 'anna', 'Anna', '+4520112299', '+4520112299', 'simple', true)");
        await().atMost(Duration.ofSeconds(20)).until(() -> channel.received.size() == 1);
        assertThat(channel.received.get(0).text().text()).matches("Velkommen Anna: anna / [A-Za-z0-9]{10}");
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5)).until(() -> channel.received.size() == 1);
        assertThat(app.count("select count(*) from dir_user where sis_id = 'x1' and welcome_due = false")).isEqualTo(1);
    }

    @Test
    void aResentWelcomeSmsCarriesANewPasswordNotTheMaskAndLosesItLikeTheFirst() {
        dueUser("x1", "anna", "Anna", "+4520112299");
        await().atMost(Duration.ofSeconds(20)).until(() -> channel.received.size() == 1);
        String first = password(channel.received.get(0));
        long firstId = smsTo("+4520112299");
        awaitAllMasked();

        Http.Response r = app.admin().post("/api/sms/resend", "{\"ids\": [" + firstId + "]}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        long resentId = r.json().get("created").get(0).asLong();
        await().atMost(Duration.ofSeconds(10)).until(() -> channel.received.size() == 2);
        OutgoingSms resent = channel.received.get(1);
        assertThat(resent.recipient()).isEqualTo("+4520112299");
        assertThat(resent.text().text()).doesNotContain(PasswordText.MASK).startsWith("Hi Anna, login anna password ");
        String second = password(resent);
        assertThat(second).hasSize(10).isNotEqualTo(first);
        assertThat(Passwords.matches(second, hash("x1"))).isTrue();
        assertThat(Passwords.matches(first, hash("x1"))).isFalse();
        assertThat(app.count("select resent_from from sms where id = ?", resentId)).isEqualTo(firstId);
        assertThat(app.count("select count(*) from sms_request r join sms s on s.request_id = r.id "
                + "where s.id = ? and r.requested_by = 'resend:admin'", resentId)).isEqualTo(1);
        assertThat(app.admin().get("/api/sms/" + resentId).raw()).contains("password ********").doesNotContain(second);

        // the old SMS stays masked, the new one is masked once sent, and neither password is in a request row
        awaitAllMasked();
        assertThat(smsTexts()).hasSize(2).allMatch(t -> t.equals("Hi Anna, login anna password ******** at https://login.example.org"));
        assertThat(String.join("\n", app.jdbc().query("select text from sms_request", rs -> rs.getString(1))))
                .doesNotContain(first).doesNotContain(second);

        // a resend of the resent SMS is still a welcome SMS, with a third password
        Http.Response again = app.admin().post("/api/sms/resend", "{\"ids\": [" + resentId + "]}");
        assertThat(again.status()).as(again.toString()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(10)).until(() -> channel.received.size() == 3);
        String third = password(channel.received.get(2));
        assertThat(third).isNotIn(first, second);
        assertThat(Passwords.matches(third, hash("x1"))).isTrue();
        awaitAllMasked();

        String logged = logs.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.joining("\n"));
        assertThat(logged).contains("resent by admin with a new password")
                .doesNotContain(first).doesNotContain(second).doesNotContain(third);
    }

    @Test
    void aWelcomeSmsWhoseUserEndedHasNoAccountOrIsGoneIsNotResentAndNeitherIsTheRestOfItsBatch() {
        dueUser("x1", "anna", "Anna", "+4520112291");
        dueUser("x2", "bo", "Bo", "+4520112292");
        dueUser("x3", "carl", "Carl", "+4520112293");
        dueUser("x4", "dora", "Dora", "+4520112294");
        await().atMost(Duration.ofSeconds(20)).until(() -> channel.received.size() == 4);
        awaitAllMasked();
        long ended = smsTo("+4520112291");
        long noAccount = smsTo("+4520112292");
        long gone = smsTo("+4520112293");
        long fine = smsTo("+4520112294");
        app.jdbc().update("update dir_user set end_date = ? where sis_id = 'x1'", java.time.LocalDate.parse("2026-01-11"));
        app.jdbc().update("update dir_user set account = null where sis_id = 'x2'");
        app.jdbc().update("delete from dir_user where sis_id = 'x3'");
        String fineHash = hash("x4");

        assertConflict("[" + ended + "]", "ids[0]", "SMS " + ended + " ", "user x1 ended on 2026-01-11");
        assertConflict("[" + noAccount + "]", "ids[0]", "SMS " + noAccount + " ", "user x2 has no account");
        assertConflict("[" + gone + "]", "ids[0]", "SMS " + gone + " ", "no longer in the directory");
        assertConflict("[" + fine + ", " + ended + "]", "ids[1]", "SMS " + ended + " ", "ended");

        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).until(() -> channel.received.size() == 4);
        assertThat(app.count("select count(*) from sms")).isEqualTo(4);
        assertThat(app.count("select count(*) from sms_request")).isEqualTo(4);
        assertThat(hash("x4")).as("the batch committed nothing").isEqualTo(fineHash);
    }

    private void assertConflict(String ids, String field, String... message) {
        Http.Response r = app.admin().post("/api/sms/resend", "{\"ids\": " + ids + "}");
        assertThat(r.status()).as(r.toString()).isEqualTo(409);
        assertThat(r.json().get("field").asText()).isEqualTo(field);
        assertThat(r.json().get("error").asText()).contains(message);
    }
}
