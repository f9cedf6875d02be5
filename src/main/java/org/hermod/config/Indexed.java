package org.hermod.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One instance of an integration configured by indexed keys, e.g. {@code hermod.smpp.channels[0].host}. Keys an
 * instance leaves out take the default given by the caller; a required key that is missing or an unparsable
 * value fails start-up naming the full key.
 */
public final class Indexed {

    private final Settings settings;
    private final String prefix;

    private Indexed(Settings settings, String prefix) {
        this.settings = settings;
        this.prefix = prefix;
    }

    /** Every {@code base[i]} with a {@code name}, for i = 0, 1, 2, … until the first gap. */
    public static List<Indexed> all(Settings settings, String base) {
        List<Indexed> all = new ArrayList<>();
        for (int i = 0; ; i++) {
            Indexed one = new Indexed(settings, base + "[" + i + "].");
            if (one.optional("name").isEmpty()) {
                return all;
            }
            all.add(one);
        }
    }

    public String key(String name) {
        return prefix + name;
    }

    public Optional<String> optional(String name) {
        return settings.optional(key(name));
    }

    public String string(String name) {
        return settings.string(key(name));
    }

    public String string(String name, String fallback) {
        return settings.string(key(name), fallback);
    }

    public int integer(String name, int fallback, int min, int max) {
        return optional(name).isEmpty() ? fallback : settings.integer(key(name), min, max);
    }

    public boolean bool(String name, boolean fallback) {
        return optional(name).isEmpty() ? fallback : settings.bool(key(name));
    }

    public Duration duration(String name, Duration fallback) {
        return optional(name).isEmpty() ? fallback : settings.duration(key(name));
    }
}
