package org.hermod.ldap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import java.time.Duration;
import java.time.Instant;
import org.hermod.inbound.Inbound;
import org.hermod.testing.HermodApp;
import org.hermod.testing.MutableClock;
import org.hermod.testing.ScriptedChannel;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Temporary passwords land in the LDAP directory of record (UnboundID's in-memory server on a free port): after the
 * welcome SMS and after an SMS reset a bind with the texted password succeeds and the old one fails; an account the
 * directory does not know gets no SMS (the welcome stays due, the reset is audited FAILED).
 */
class LdapPasswordTest {

    private InMemoryDirectoryServer ldap;
    private HermodApp app;
    private final ScriptedChannel channel = new ScriptedChannel("scripted");

    @BeforeEach
    void start() throws Exception {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig("dc=school,dc=dk");
        config.addAdditionalBindCredentials("cn=hermod,dc=school,dc=dk", "bind-secret");
        config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", 0));
        ldap = new InMemoryDirectoryServer(config);
        ldap.importFromLDIF(true, "src/test/resources/ldap/school.ldif");
        ldap.startListening();
        app = HermodApp.on(TestDatabases.h2()).bean("clock", new MutableClock(Instant.parse("2026-01-12T10:00:00Z")))
                .bean("scripted", channel)
                .with("hermod.outbox.default-channel", "scripted")
                .with("hermod.welcome.poll-interval", "200ms")
                .with("hermod.welcome.text", "{account}: {password}")
                .with("hermod.reset.text", "{account}: {password}")
                .with("hermod.ldap.url", "ldap://localhost:" + ldap.getListenPort())
                .with("hermod.ldap.bind-dn", "cn=hermod,dc=school,dc=dk")
                .with("hermod.ldap.bind-password", "bind-secret")
                .with("hermod.ldap.user-base-dn", "ou=people,dc=school,dc=dk")
                .start();
    }

    @AfterEach
    void stop() {
        app.close();
        ldap.shutDown(true);
    }

    private void bind(String account, String password) throws LDAPException {
        try (LDAPConnection c = ldap.getConnection()) {
            c.bind("uid=" + account + ",ou=people,dc=school,dc=dk", password);
        }
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
}
