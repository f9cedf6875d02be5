package org.hermod.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.LDAPException;
import java.time.Duration;
import java.time.Instant;
import org.hermod.inbound.Inbound;
import org.hermod.testing.HermodApp;
import org.hermod.testing.Http;
import org.hermod.testing.MutableClock;
import org.hermod.testing.SchoolDirectory;
import org.hermod.testing.ScriptedChannel;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Temporary passwords land in the LDAP directory of record (UnboundID's in-memory server on a free port): after the
 * welcome SMS and after an SMS reset a bind with the texted password succeeds and the old one fails; an account the
 * directory does not know gets no SMS (the welcome stays due, the reset is audited FAILED). The same for an operator's
 * resend of a welcome SMS: its new password binds, and a resend the directory refuses, or one in a batch with a
 * conflict, sets and commits nothing.
 */
class LdapPasswordTest {

    private SchoolDirectory directory;
    private InMemoryDirectoryServer ldap;
    private HermodApp app;
    private final ScriptedChannel channel = new ScriptedChannel("scripted");
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-12T10:00:00Z"));

    @BeforeEach
    void start() throws Exception {
        directory = new SchoolDirectory();
        ldap = directory.server;
        app = directory.ofRecordFor(HermodApp.on(TestDatabases.h2())).bean("clock", clock)
                .bean("scripted", channel)
                .with("hermod.outbox.default-channel", "scripted")
                .with("hermod.welcome.poll-interval", "200ms")
                .with("hermod.welcome.batch-size", "1")
                .with("hermod.welcome.text", "{account}: {password}")
                .with("hermod.reset.text", "{account}: {password}")
                .start();
    }

    @AfterEach
    void stop() {
        app.close();
        directory.close();
    }

    private void bind(String account, String password) throws LDAPException {
        directory.bind(account, password);
    }

    private String lastPassword() {
        String text = channel.received.get(channel.received.size() - 1).text().text();
        return text.substring(text.indexOf(": ") + 2);
    }

    @Test
    void theWelcomeAndTheResetPasswordsAreSetInTheDirectory() throws Exception {
        bind("soer0417", "old-password");
        app.jdbc().update("insert into dir_user (tenant_id, sis_id, account, mobile, mobile_norm, source, welcome_due) "
                + "values ('default', '1001', 'soer0417', '+4520112201', '+4520112201', 'sb', true), "
                + "('default', '1002', 'ghost', '+4520112202', '+4520112202', 'sb', true)");
        await().atMost(Duration.ofSeconds(20)).until(() -> channel.received.size() == 1);
        String welcome = lastPassword();
        bind("soer0417", welcome);
        assertThatThrownBy(() -> bind("soer0417", "old-password")).isInstanceOf(LDAPException.class);
        assertThat(app.count("select count(*) from dir_user where sis_id = '1002' and welcome_due = true and password_hash is null"))
                .as("not in LDAP: still due, no password").isEqualTo(1);

        Inbound inbound = app.camel().getRegistry().lookupByNameAndType("inbound", Inbound.class);
        inbound.received("scripted", "in-1", "+4520112201", "+4512345678", "PASSWORD", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> channel.received.size() == 2);
        String reset = lastPassword();
        bind("soer0417", reset);
        assertThatThrownBy(() -> bind("soer0417", welcome)).isInstanceOf(LDAPException.class);

        inbound.received("scripted", "in-2", "+4520112202", "+4512345678", "PASSWORD", null);
        assertThat(app.jdbc().query("select outcome || ' ' || reason from password_reset order by id", rs -> rs.getString(1)))
                .last().asString().startsWith("FAILED not reset: LDAP: 0 entries match (uid=ghost)");
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).until(() -> channel.received.size() == 2);
        assertThat(app.count("select count(*) from sms where recipient = '+4520112202'")).isZero();
    }

    @Test
    void aWelcomeTheDirectoryRefusesBacksOffAndDoesNotHoldUpTheUsersBehindIt() throws Exception {
        // one user per run (batch-size 1), and the one the directory does not know comes first
        app.jdbc().update("insert into dir_user (tenant_id, sis_id, account, mobile, mobile_norm, source, welcome_due) "
                + "values ('default', '2001', 'ghost', '+4520112202', '+4520112202', 'sb', true), "
                + "('default', '2002', 'soer0417', '+4520112201', '+4520112201', 'sb', true)");
        await().atMost(Duration.ofSeconds(20)).until(() -> channel.received.size() == 1);
        bind("soer0417", lastPassword());
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5)).until(() -> app.count(
                "select welcome_attempts from dir_user where sis_id = '2001'") == 1);
        assertThat(app.jdbc().query("select welcome_next_at from dir_user where sis_id = '2001'",
                rs -> rs.getTimestamp(1).toLocalDateTime().toString())).containsExactly("2026-01-12T10:01");
        assertThat(app.jdbc().query("select job_id || ': ' || message from error_log", rs -> rs.getString(1)))
                .singleElement().asString().startsWith("password-welcome: Welcome SMS for user 2001 of tenant default "
                        + "not queued (attempt 1), tried again in PT1M: ").contains("0 entries match (uid=ghost)")
                .doesNotContain("+4520112202");

        clock.advance(Duration.ofMinutes(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> app.count(
                "select welcome_attempts from dir_user where sis_id = '2001'") == 2);
        assertThat(app.jdbc().query("select welcome_next_at from dir_user where sis_id = '2001'",
                rs -> rs.getTimestamp(1).toLocalDateTime().toString())).as("the delay doubles")
                .containsExactly("2026-01-12T10:03");
        assertThat(app.count("select count(*) from dir_user where sis_id = '2001' and welcome_due = true")).isEqualTo(1);
        assertThat(channel.received).hasSize(1);
    }

    private long smsTo(String recipient) {
        return app.count("select max(id) from sms where recipient = ?", recipient);
    }

    private void awaitSent(long smsId) {
        await().atMost(Duration.ofSeconds(10)).until(() -> app.count("select count(*) from sms where id = ? and status = 'SENT'",
                smsId) == 1);
    }

    private Http.Response resend(long... ids) {
        return app.admin().post("/api/sms/resend", "{\"ids\": " + java.util.Arrays.toString(ids) + "}");
    }

    @Test
    void aResentWelcomeSetsItsNewPasswordInTheDirectoryAndARefusedOrConflictingResendSetsNothing() throws Exception {
        ldap.add("dn: uid=mads,ou=people,dc=school,dc=dk", "objectClass: inetOrgPerson", "uid: mads", "cn: Mads Holm",
                "sn: Holm", "userPassword: old-password");
        app.jdbc().update("insert into dir_user (tenant_id, sis_id, account, mobile, mobile_norm, source, welcome_due) "
                + "values ('default', '1001', 'soer0417', '+4520112201', '+4520112201', 'sb', true), "
                + "('default', '1004', 'mads', '+4520112204', '+4520112204', 'sb', true)");
        await().atMost(Duration.ofSeconds(20)).until(() -> channel.received.size() == 2);
        long welcome = smsTo("+4520112201");
        long madsWelcome = smsTo("+4520112204");
        awaitSent(welcome);
        awaitSent(madsWelcome);
        String first = channel.received.stream().filter(s -> s.recipient().equals("+4520112201")).findFirst().orElseThrow()
                .text().text().substring("soer0417: ".length());
        bind("soer0417", first);

        Http.Response r = resend(welcome);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        long resent = r.json().get("created").get(0).asLong();
        await().atMost(Duration.ofSeconds(10)).until(() -> channel.received.size() == 3);
        String second = lastPassword();
        assertThat(second).isNotEqualTo(first);
        bind("soer0417", second);
        assertThatThrownBy(() -> bind("soer0417", first)).isInstanceOf(LDAPException.class);
        awaitSent(resent);

        // a conflict anywhere in the batch is found before any password is set
        app.jdbc().update("update dir_user set end_date = ? where sis_id = '1004'", java.time.LocalDate.parse("2026-01-01"));
        Http.Response conflict = resend(resent, madsWelcome);
        assertThat(conflict.status()).as(conflict.toString()).isEqualTo(409);
        assertThat(conflict.json().get("field").asText()).isEqualTo("ids[1]");
        bind("soer0417", second);

        // the directory no longer knows the account: 409, no SMS, the hash stays
        String hash = app.jdbc().query("select password_hash from dir_user where sis_id = '1001'", rs -> rs.getString(1)).get(0);
        ldap.delete("uid=soer0417,ou=people,dc=school,dc=dk");
        Http.Response refused = resend(resent);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
        assertThat(refused.json().get("field").asText()).isEqualTo("ids[0]");
        assertThat(refused.json().get("error").asText()).contains("SMS " + resent + " ").contains("0 entries match (uid=soer0417)");
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).until(() -> channel.received.size() == 3);
        assertThat(app.count("select count(*) from sms")).isEqualTo(3);
        assertThat(app.jdbc().query("select password_hash from dir_user where sis_id = '1001'", rs -> rs.getString(1)))
                .containsExactly(hash);
    }
}
