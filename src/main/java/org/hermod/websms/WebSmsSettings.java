package org.hermod.websms;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.hermod.config.ConfigException;
import org.hermod.config.Indexed;
import org.hermod.config.Settings;

/**
 * One websms.com REST channel, from {@code hermod.websms.channels[i].*} (see application.properties). Either
 * {@code token} (Bearer) or {@code username} + {@code password} (Basic) authenticates; {@code token},
 * {@code password} and {@code callback-secret} are secrets without defaults and never shown by {@link #toString()}.
 */
public record WebSmsSettings(
        String name,
        URI url,
        String token,
        String username,
        String password,
        String senderAddress,
        boolean test,
        int maxSmsPerMessage,
        String callbackUrl,
        String callbackSecret,
        Duration validity,
        Duration timeout,
        int parallel) {

    /** websms.com keeps an SMS at most three days. */
    static final Duration MAX_VALIDITY = Duration.ofDays(3);

    public static List<WebSmsSettings> all(Settings settings) {
        return Indexed.all(settings, "hermod.websms.channels").stream().filter(c -> c.bool("enabled", true))
                .map(WebSmsSettings::from).toList();
    }

    static WebSmsSettings from(Indexed c) {
        String token = c.string("token", "");
        String username = c.string("username", "");
        if (token.isEmpty() && username.isEmpty()) {
            throw new ConfigException(c.key("token"), "or " + c.key("username") + " + password is required");
        }
        Duration validity = c.duration("validity", MAX_VALIDITY);
        if (validity.compareTo(MAX_VALIDITY) > 0) {
            throw new ConfigException(c.key("validity"), "must be at most 3d (websms.com's limit), was " + validity);
        }
        String callbackUrl = c.string("callback-url", "");
        String secret = c.string("callback-secret", "");
        if (!callbackUrl.isEmpty() && secret.length() < 16) {
            throw new ConfigException(c.key("callback-secret"), "is required (16 characters or more) with a callback-url");
        }
        return new WebSmsSettings(
                c.string("name"),
                URI.create(c.string("url", "https://api.websms.com").replaceAll("/+$", "")),
                token, username, c.string("password", ""),
                c.string("sender-address", ""),
                c.bool("test", false),
                c.integer("max-sms-per-message", 6, 1, 255),
                callbackUrl, secret, validity,
                c.duration("timeout", Duration.ofSeconds(10)),
                c.integer("parallel", 4, 1, 64));
    }

    @Override
    public String toString() {
        return "WebSmsSettings[" + name + " " + url + (token.isEmpty() ? " basic " + username : " bearer") + "]";
    }
}
