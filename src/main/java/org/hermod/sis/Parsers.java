package org.hermod.sis;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Field parsers for {@link RowCheck}: each takes a non-empty trimmed value and either returns it
 * parsed or throws {@link IllegalArgumentException} whose message is the reason for the user.
 */
final class Parsers {

    private Parsers() {
    }

    /** Dates in {@code pattern} (a {@link DateTimeFormatter} pattern), resolved strictly: no 31 April. */
    static Function<String, LocalDate> date(String pattern) {
        DateTimeFormatter format = new DateTimeFormatterBuilder()
                .appendPattern(pattern)
                .parseDefaulting(ChronoField.ERA, 1)
                .toFormatter(Locale.ROOT)
                .withResolverStyle(ResolverStyle.STRICT);
        return value -> {
            try {
                return LocalDate.parse(value, format);
            } catch (DateTimeException e) {
                throw new IllegalArgumentException("not a date in format " + pattern + " '" + value + "'");
            }
        };
    }

    /** ISO-8601 instants such as {@code 2024-08-01T06:00:00.000Z}, as OneRoster's dateLastModified. */
    static Instant instant(String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("not an ISO-8601 instant '" + value + "'");
        }
    }

    /** The value itself if it is one of {@code allowed} (exact case, as OneRoster's vocabularies). */
    static Function<String, String> oneOf(String... allowed) {
        Set<String> values = Set.of(allowed);
        return value -> {
            if (!values.contains(value)) {
                throw new IllegalArgumentException(
                        "'" + value + "' is not one of " + String.join(", ", Arrays.asList(allowed)));
            }
            return value;
        };
    }

    /** A role through {@code lookup}; the message lists {@code expected}. */
    static Function<String, Role> role(Function<String, Optional<Role>> lookup, String expected) {
        return value -> lookup.apply(value).orElseThrow(() -> new IllegalArgumentException(
                "unknown role '" + value + "' (expected one of " + expected + ")"));
    }

    /** Items separated by {@code separator}, trimmed, empty ones dropped. */
    static Function<String, List<String>> list(String separator) {
        return value -> Arrays.stream(value.split(Pattern.quote(separator)))
                .map(String::trim)
                .filter(item -> !item.isEmpty())
                .toList();
    }
}
