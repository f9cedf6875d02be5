package org.hermod.password;

import java.util.Map;

/** Fills an SMS template's placeholders: {account}, {password}, {loginUrl}, {givenName}. Pure. */
public final class PasswordText {

    /** What replaces the password in an SMS once it has been sent (or finally failed). */
    public static final String MASK = "********";

    private PasswordText() {
    }

    public static String fill(String template, String account, String password, String loginUrl, String givenName) {
        Map<String, String> values = Map.of("{account}", nullToEmpty(account), "{password}", password,
                "{loginUrl}", nullToEmpty(loginUrl), "{givenName}", nullToEmpty(givenName));
        StringBuilder out = new StringBuilder(template.length() + 32);
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            int close = open < 0 ? -1 : template.indexOf('}', open);
            if (close < 0) {
                out.append(template, i, template.length());
                break;
            }
            String value = values.get(template.substring(open, close + 1));
            out.append(template, i, open).append(value == null ? template.substring(open, close + 1) : value);
            i = close + 1;
        }
        return out.toString();
    }

    public static String mask(String text, String password) {
        return text.replace(password, MASK);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
