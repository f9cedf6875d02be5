package org.hermod.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import org.hermod.testing.HermodApp;
import org.hermod.testing.Http;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Failed SMS are reported by e-mail through a real SMTP server (GreenMail), batched; job failures too. */
class ErrorMailTest {

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    private HermodApp start(int smtpPort) {
        return HermodApp.on(TestDatabases.h2())
                .with("hermod.mail.enabled", "true")
                .with("hermod.mail.host", "127.0.0.1")
                .with("hermod.mail.port", Integer.toString(smtpPort))
                .with("hermod.mail.from", "hermod@school.example")
                .with("hermod.outbox.error-mail-to", "sms-admin@school.example")
                .with("hermod.jobs.outbox-error-mail.schedule", "0 0 0 1 1 ?")
                .start();
    }

    /**
     * An inbound SMS no keyword takes is forwarded to the school office, which must be able to answer it: the body
     * carries the sender's full number, the subject (shown on lock screens and in mail lists) only its ends.
     */
    @Test
    void aForwardedSmsNamesItsSenderInTheBodyAndMasksItInTheSubject() throws Exception {
        String secret = "callback-secret-forward-0123456789";
        try (HermodApp app = HermodApp.on(TestDatabases.h2())
                .with("hermod.mail.enabled", "true").with("hermod.mail.host", "127.0.0.1")
                .with("hermod.mail.port", Integer.toString(SMTP.getSmtp().getPort()))
                .with("hermod.mail.from", "hermod@school.example")
                .with("hermod.inbound.forward-to", "office@school.example")
                .with("hermod.websms.channels[0].name", "web").with("hermod.websms.channels[0].url", "http://127.0.0.1:9")
                .with("hermod.websms.channels[0].token", "tok")
                .with("hermod.websms.channels[0].callback-secret", secret)
                .start()) {
            int before = SMTP.getReceivedMessages().length;
            Http.Response r = app.anonymous().post("/websms/web/callback?secret=" + secret, """
                    {"messageType": "text", "messageId": "fwd-1", "senderAddress": "4521000009",
                     "recipientAddress": "4512345678", "textMessageContent": "Kan I ringe mig op?"}""");
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> SMTP.getReceivedMessages().length == before + 1);
            MimeMessage mail = SMTP.getReceivedMessages()[before];
            assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("office@school.example");
            assertThat(mail.getSubject()).isEqualTo("SMS from +45*****009");
            assertThat(GreenMailUtil.getBody(mail)).contains("From: +4521000009").contains("Kan I ringe mig op?");
        }
    }

    @Test
    void failuresOfManySmsArriveInOneMailWithMaskedNumbers() throws Exception {
        try (HermodApp app = start(SMTP.getSmtp().getPort())) {
            Http admin = app.admin();
            StringBuilder users = new StringBuilder();
            for (int i = 0; i < 25; i++) {
                users.append(i == 0 ? "" : ",").append("{\"sisId\":\"l").append(i).append("\",\"mobile\":\"+45331")
                        .append(String.format("%05d", i)).append("\"}");
            }
            assertThat(admin.post("/api/directory/users", "{\"tenant\":\"default\",\"users\":[" + users + "]}").status())
                    .isEqualTo(200);
            Http.Response r = admin.post("/api/sms", "{\"tenant\":\"default\",\"everyone\":true,\"text\":\"x\"}");
            assertThat(r.json().get("rejected")).hasSize(25);
            assertThat(admin.post("/api/jobs/outbox-error-mail/run", null).status()).isEqualTo(202);

            await().atMost(Duration.ofSeconds(10)).until(() -> SMTP.getReceivedMessages().length == 1);
            MimeMessage mail = SMTP.getReceivedMessages()[0];
            assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("sms-admin@school.example");
            assertThat(mail.getSubject()).isEqualTo("Hermod: 25 SMS failed");
            String body = GreenMailUtil.getBody(mail);
            assertThat(body).contains("not a mobile number in DK").contains("to +45*****001").doesNotContain("+4533100001");
            // marked reported only after the SMTP server took the mail
            await().atMost(Duration.ofSeconds(5)).until(() -> app.count("select count(*) from sms where reported_at is null") == 0);

            admin.post("/api/jobs/outbox-error-mail/run", null);
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    admin.get("/api/jobs/outbox-error-mail").json().get("runCount").asLong() >= 2);
            assertThat(SMTP.getReceivedMessages()).as("nothing new, no mail").hasSize(1);
        }
    }

    @Test
    void anUnreachableMailServerFailsTheJobIntoTheErrorLogAndKeepsFailuresUnreported() throws Exception {
        try (HermodApp app = start(HermodApp.freePort())) {
            Http admin = app.admin();
            admin.post("/api/directory/users", "{\"tenant\":\"default\",\"users\":[{\"sisId\":\"x\",\"mobile\":\"+4533000000\"}]}");
            admin.post("/api/sms", "{\"tenant\":\"default\",\"users\":[\"x\"],\"text\":\"x\"}");
            admin.post("/api/jobs/outbox-error-mail/run", null);
            await().atMost(Duration.ofSeconds(15)).until(() ->
                    admin.get("/api/jobs/outbox-error-mail").json().get("errorCount").asLong() == 1);
            var errors = admin.get("/api/errors?job=outbox-error-mail&from=2000-01-01T00:00:00Z&max=10").json();
            assertThat(errors).hasSize(1);
            assertThat(errors.get(0).get("host").asText()).isNotBlank();
            assertThat(errors.get(0).get("message").asText()).containsIgnoringCase("connect");
            assertThat(admin.get("/api/errors?to=2000-01-01T00:00:00Z").json()).isEmpty();
            assertThat(app.count("select count(*) from sms where status = 'FAILED' and reported_at is null")).isEqualTo(1);
        }
    }
}
