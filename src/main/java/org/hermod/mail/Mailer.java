package org.hermod.mail;

import java.util.Map;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends an operator e-mail through the {@code mail-send} route (camel-mail, SMTP). With
 * {@code hermod.mail.enabled=false} nothing is sent and the caller learns it, so what was to be reported
 * stays marked as unreported.
 */
public final class Mailer {

    private static final Logger LOG = LoggerFactory.getLogger(Mailer.class);

    private final ProducerTemplate producer;
    private final boolean enabled;

    public Mailer(ProducerTemplate producer, boolean enabled) {
        this.producer = producer;
        this.enabled = enabled;
    }

    public boolean enabled() {
        return enabled;
    }

    /** Returns true when the mail was handed to the SMTP server. */
    public boolean send(String to, String subject, String body) {
        if (!enabled) {
            LOG.warn("Mail is disabled (hermod.mail.enabled=false); not sent: '{}'", subject);
            return false;
        }
        producer.sendBodyAndHeaders("direct:mail-send", body, Map.of("To", to, "Subject", subject));
        return true;
    }
}
