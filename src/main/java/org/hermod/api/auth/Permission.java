package org.hermod.api.auth;

import java.util.Arrays;

/** What an API user may do; the first five are seed 002's permissions. */
public enum Permission {
    SMS_VIEW("sms.view"),
    SMS_SEND("sms.send"),
    TEXTS_EDIT("texts.edit"),
    PREFIXES_EDIT("prefixes.edit"),
    JOBS_EDIT("jobs.edit"),
    DIRECTORY_EDIT("directory.edit"),
    USERS_EDIT("users.edit");

    public final String key;

    Permission(String key) {
        this.key = key;
    }

    public static Permission of(String key) {
        return Arrays.stream(values()).filter(p -> p.key.equals(key.trim())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown permission '" + key + "', known: "
                        + Arrays.stream(values()).map(p -> p.key).toList()));
    }
}
