package org.hermod.config;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed access to Hermod's namespaced configuration ({@code hermod.*}).
 * Values come from Camel's properties component, so environment variables override
 * ({@code HERMOD_OUTBOX_MAX_AGE} overrides {@code hermod.outbox.max-age}). Camel's mapping turns {@code .} and
 * {@code -} into {@code _} but leaves {@code [0]} as it is, which no shell can name: {@link #withEnvironment} maps
 * indexed keys too ({@code hermod.websms.channels[0].callback-secret} is
 * {@code HERMOD_WEBSMS_CHANNELS_0__CALLBACK_SECRET}). A missing required key or an unparsable value fails with a
 * {@link ConfigException} that names the key.
 */
public final class Settings {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private final Function<String, Optional<String>> source;

    public Settings(Function<String, Optional<String>> source) {
        this.source = source;
    }

    /**
     * Settings from {@code properties} (Camel's, which already maps plain keys to the environment), where an indexed
     * key's environment variable ({@link #environmentVariable}) overrides, as a plain key's does in Camel.
     */
    public static Settings withEnvironment(Function<String, Optional<String>> properties, Map<String, String> environment) {
        return new Settings(key -> key.indexOf('[') < 0 ? properties.apply(key)
                : Optional.ofNullable(environment.get(environmentVariable(key))).or(() -> properties.apply(key)));
    }

    /** {@code hermod.modem.devices[0].tcp.host} → {@code HERMOD_MODEM_DEVICES_0__TCP_HOST}: {@code . - [ ]} become {@code _}. */
    public static String environmentVariable(String key) {
        return key.toUpperCase(Locale.ROOT).replaceAll("[.\\-\\[\\]]", "_");
    }

    public Optional<String> optional(String key) {
        return source.apply(key).map(String::trim).filter(v -> !v.isEmpty());
    }

    public String string(String key) {
        return optional(key).orElseThrow(() -> new ConfigException(key, "is required but not set"));
    }

    public String string(String key, String fallback) {
        return optional(key).orElse(fallback);
    }

    public int integer(String key, int min, int max) {
        String raw = string(key);
        try {
            int value = Integer.parseInt(raw);
            if (value < min || value > max) {
                throw new ConfigException(key, "must be between " + min + " and " + max + ", was " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "must be a whole number, was '" + raw + "'");
        }
    }

    public boolean bool(String key) {
        String raw = string(key);
        return switch (raw.toLowerCase()) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new ConfigException(key, "must be true or false, was '" + raw + "'");
        };
    }

    /** Durations are written {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h} or {@code 7d}. */
    public Duration duration(String key) {
        String raw = string(key);
        Matcher m = DURATION.matcher(raw);
        if (!m.matches()) {
            throw new ConfigException(key, "must be a duration like 500ms, 30s, 5m, 2h or 7d, was '" + raw + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** {@link #duration(String)}, or {@code fallback} when the key is not set (for callers without the defaults file). */
    public Duration duration(String key, Duration fallback) {
        return optional(key).isPresent() ? duration(key) : fallback;
    }

    public Optional<LocalTime> time(String key) {
        return optional(key).map(raw -> {
            try {
                return LocalTime.parse(raw);
            } catch (RuntimeException e) {
                throw new ConfigException(key, "must be a time like 21:00, was '" + raw + "'");
            }
        });
    }

    public ZoneId zone(String key) {
        String raw = string(key);
        try {
            return ZoneId.of(raw);
        } catch (RuntimeException e) {
            throw new ConfigException(key, "must be a time zone like Europe/Copenhagen, was '" + raw + "'");
        }
    }

    public <E extends Enum<E>> E choice(String key, Class<E> type) {
        String raw = string(key);
        try {
            return Enum.valueOf(type, raw.toUpperCase().replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, "must be one of " + Arrays.toString(type.getEnumConstants()).toLowerCase()
                    + ", was '" + raw + "'");
        }
    }

    public List<String> list(String key) {
        return optional(key).map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
    }
}
