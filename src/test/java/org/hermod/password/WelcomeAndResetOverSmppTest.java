package org.hermod.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.unboundid.ldap.sdk.LDAPException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.hermod.sis.SisDrops;
import org.hermod.testing.HermodApp;
import org.hermod.testing.SchoolDirectory;
import org.hermod.testing.TestDatabases;
import org.hermod.testing.TestSmsc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The welcome and the reset end to end, every peer real and in the test JVM: a OneRoster export dropped into the
 * SIS folder creates Søren, whose welcome SMS leaves through the outbox and the SMPP channel as a submit_sm to a
 * jSMPP SMSC; the password it carries binds to the LDAP directory of record (UnboundID), the old one no longer does.
 * Søren then texts PASSWORD (a deliver_sm from the SMSC); the new password comes back to his registered number only
 * and replaces the welcome one in LDAP. A stranger's PASSWORD gets nothing. No password is left in the outbox or
 * in the log.
 */
class WelcomeAndResetOverSmppTest {

    private static final String SOEREN = "4520112201"; // u-sb-001 in the fixture export, uid soer0417 in school.ldif

    @TempDir
    Path temp;
    private TestSmsc smsc;
    private SchoolDirectory directory;
    private HermodApp app;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void start() throws Exception {
        logs.start();
        root.addAppender(logs);
        smsc = new TestSmsc("school", "s3cretpw");
        directory = new SchoolDirectory();
        String ch = "hermod.smpp.channels[0].";
        app = directory.ofRecordFor(HermodApp.on(TestDatabases.h2()))
                .with(ch + "name", "smpp1")
                .with(ch + "host", "127.0.0.1")
                .with(ch + "port", Integer.toString(smsc.port()))
                .with(ch + "system-id", "school")
                .with(ch + "password", "s3cretpw")
                .with(ch + "source-address", "Skolen")
                .with("hermod.outbox.default-channel", "smpp1")
                .with("hermod.sis.imports[0].name", "sb")
                .with("hermod.sis.imports[0].folder", temp.resolve("drop").toString())
                .with("hermod.sis.poll-interval", "100ms")
                .with("hermod.sis.read-lock-check-interval", "100")
                .with("hermod.sis.read-lock-min-age", "100ms")
                .with("hermod.welcome.poll-interval", "200ms")
                .with("hermod.welcome.text", "Login {account} password {password}")
                .with("hermod.reset.text", "Login {account} new password {password}")
                .start();
        await().atMost(Duration.ofSeconds(10)).until(() -> smsc.bound() == 1);
    }

    @AfterEach
    void stop() throws Exception {
        app.close();
        smsc.close();
        directory.close();
        root.detachAppender(logs);
    }

    private void bind(String password) throws LDAPException {
        directory.bind("soer0417", password);
    }

    /** The text of the {@code n}th SMS the SMSC got for Søren (GSM 7-bit, unpacked: ASCII for these texts). */
    private String toSoeren(int n) {
        await().atMost(Duration.ofSeconds(20)).until(() -> smsc.to(SOEREN).size() >= n);
        return new String(smsc.to(SOEREN).get(n - 1).shortMessage(), StandardCharsets.US_ASCII);
    }

    @Test
    void aNewUserGetsAWorkingPasswordBySmppAndTextsPasswordForANewOne() throws Exception {
        SisDrops.drop(SisDrops.zip(SisDrops.fixture("oneroster-bulk"), temp.resolve("bulk.zip"), null),
                temp.resolve("drop"), "bulk.zip");

        String welcome = toSoeren(1);
        assertThat(welcome).startsWith("Login soer0417 password ");
        String first = welcome.substring("Login soer0417 password ".length());
        bind(first);
        assertThatThrownBy(() -> bind("old-password")).isInstanceOf(LDAPException.class);

        smsc.inbound(SOEREN, "1234", (byte) 0, "password please".getBytes(StandardCharsets.US_ASCII));
        String reset = toSoeren(2);
        assertThat(reset).startsWith("Login soer0417 new password ");
        String second = reset.substring("Login soer0417 new password ".length());
        assertThat(second).isNotEqualTo(first);
        bind(second);
        assertThatThrownBy(() -> bind(first)).isInstanceOf(LDAPException.class);

        // a number the directory does not have: no SMS, no answer, audited
        smsc.inbound("4520999999", "1234", (byte) 0, "PASSWORD".getBytes(StandardCharsets.US_ASCII));
        await().atMost(Duration.ofSeconds(10)).until(() -> app.count("select count(*) from password_reset") == 2);
        assertThat(app.jdbc().query("select outcome from password_reset order by id", rs -> rs.getString(1)))
                .containsExactly("SENT", "REFUSED");
        assertThat(smsc.to("4520999999")).isEmpty();
        assertThat(smsc.to(SOEREN)).hasSize(2);

        // once sent, neither password is kept in the outbox, and none was ever logged
        await().atMost(Duration.ofSeconds(10)).until(() -> app.count("select count(*) from sms where recipient = ? "
                + "and text like '%********%' and status in ('SENT', 'DELIVERED')", "+" + SOEREN) == 2);
        List<String> texts = app.jdbc().query("select text from sms union all select text from sms_request",
                rs -> rs.getString(1));
        assertThat(String.join("\n", texts)).doesNotContain(first).doesNotContain(second);
        // the welcome run logs its count after the users the directory refuses (every fixture user but Søren)
        await().atMost(Duration.ofSeconds(10)).until(() -> logged().contains("welcome SMS queued"));
        assertThat(logged()).doesNotContain(first).doesNotContain(second).doesNotContain(SOEREN);
    }

    /** What was logged so far; AppenderBase appends while holding the appender's lock. */
    private String logged() {
        synchronized (logs) {
            return logs.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.joining("\n"));
        }
    }
}
