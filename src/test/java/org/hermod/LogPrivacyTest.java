package org.hermod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.stream.Collectors;
import org.hermod.testing.HermodApp;
import org.hermod.testing.Http;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** What Hermod logs while it works: no phone number in full, no message text, no password or token. */
class LogPrivacyTest {

    @Test
    void logsMaskNumbersAndNeverContainTextsOrSecrets() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        try (HermodApp app = HermodApp.on(TestDatabases.h2()).start()) {
            Http admin = app.admin();
            String token = admin.post("/api/tokens", "{\"name\":\"t\"}").json().get("token").asText();
            Http.Response r = Http.bearer(app.port(), token).post("/api/sms", """
                    {"tenant": "default", "to": ["+45 21 98 76 54", "+4533987654"], "text": "Secret meeting at 9"}""");
            assertThat(r.status()).isEqualTo(400); // the landline: the error names it, masked
            assertThat(r.json().get("error").asText()).contains("+45*****654").doesNotContain("33987654");
            admin.post("/api/sms", "{\"tenant\":\"default\",\"to\":[\"+45 21 98 76 54\"],\"text\":\"Secret meeting at 9\"}");
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    app.count("select count(*) from sms where status = 'SENT'") == 1);
            Http.basic(app.port(), "admin", "wrong-password-123").get("/api/sms");

            String logs = captured.list.stream().map(ILoggingEvent::getFormattedMessage)
                    .collect(Collectors.joining("\n"));
            assertThat(logs).contains("SMS queued");
            assertThat(logs).doesNotContain("21987654").doesNotContain("Secret meeting")
                    .doesNotContain(HermodApp.ADMIN_PASSWORD).doesNotContain(token).doesNotContain("wrong-password-123");
        } finally {
            root.detachAppender(captured);
        }
    }
}
