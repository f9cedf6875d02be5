package org.hermod.config;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Which configuration keys hold secrets, declared once: Camel's masking ({@link #CAMEL_KEYWORDS}) and everything of
 * Hermod's that shows configuration ({@link #mask}) take it from here. A key is secret when its last part (after the
 * last '.', '-' ignored) is one of {@link #KEYWORDS}: {@code hermod.ldap.bind-password}, {@code
 * hermod.websms.channels[0].callback-secret}, {@code hermod.modem.devices[0].pin}. Values that are URLs may carry a
 * secret inside them ({@code jdbc:postgresql://h/db?password=...}, {@code ldap://user:pass@host},
 * {@code .../callback?secret=...}); {@link #maskEmbedded} hides those parts and keeps the rest readable.
 */
public final class Secrets {

    public static final String MASK = "xxxxxx";

    /** Last key parts whose value is a secret, lower case without '-'. */
    public static final List<String> KEYWORDS = List.of("password", "bindpassword", "truststorepassword", "secret",
            "callbacksecret", "token", "pin", "passphrase", "apikey", "key", "keystorepassword");

    /** For {@code camel.main.additional-sensitive-keywords}: Camel masks a key whose last part is in this list. */
    public static final String CAMEL_KEYWORDS = String.join(",", KEYWORDS);

    private static final Pattern USER_INFO = Pattern.compile("(://[^/?#@\\s:]*:)[^/?#@\\s]+@");
    private static final Pattern PARAMETER = Pattern.compile(
            "(?i)([?&;](?:password|passwd|pwd|secret|token|access_token|api[-_]?key)=)[^&;#\\s]*");

    private Secrets() {
    }

    public static boolean isSecret(String key) {
        String last = key.substring(key.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT).replace("-", "");
        return KEYWORDS.contains(last);
    }

    /** The value as it may be shown: {@link #MASK} for a secret key, otherwise with any embedded secret masked. */
    public static String mask(String key, String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        return isSecret(key) ? MASK : maskEmbedded(value);
    }

    /** {@code text} with the password of a {@code user:password@} and secret URL or JDBC parameters masked. */
    public static String maskEmbedded(String text) {
        String masked = USER_INFO.matcher(text).replaceAll("$1" + MASK + "@");
        return PARAMETER.matcher(masked).replaceAll("$1" + MASK);
    }
}
