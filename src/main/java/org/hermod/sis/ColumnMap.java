package org.hermod.sis;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * How a one-file CSV of users that is not OneRoster is laid out: read from a mapping file in
 * {@code mappings/} ({@code .properties} syntax, read as UTF-8). {@code mappings/simple-users.properties}
 * documents every key.
 *
 * @param separator      field separator
 * @param charset        the file's charset; bytes invalid in it are errors
 * @param header         whether the first row names the columns
 * @param columns        where each field is; sourcedId, givenName, familyName and role are required
 * @param dateFormat     {@link DateTimeFormatter} pattern of startDate and endDate
 * @param groupSeparator separates several group names within the group field
 * @param roles          role names as in the file, lower-cased, to Hermod roles
 */
public record ColumnMap(
        char separator,
        Charset charset,
        boolean header,
        Map<Field, ColumnRef> columns,
        String dateFormat,
        String groupSeparator,
        Map<String, Role> roles) {

    /** The fields a mapped file can provide; {@link #key()} is the name after {@code column.}. */
    public enum Field {
        SOURCED_ID("sourcedId"), USERNAME("username"), GIVEN_NAME("givenName"), FAMILY_NAME("familyName"),
        ROLE("role"), MOBILE("mobile"), EMAIL("email"), START_DATE("startDate"), END_DATE("endDate"),
        GROUP("group");

        private final String key;

        Field(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }

        static Optional<Field> byKey(String key) {
            return Arrays.stream(values()).filter(field -> field.key.equals(key)).findFirst();
        }
    }

    /** A column by header name, or by 1-based position when {@code name} is null. */
    public record ColumnRef(String name, int position) {
    }

    private static final Field[] REQUIRED = {Field.SOURCED_ID, Field.GIVEN_NAME, Field.FAMILY_NAME, Field.ROLE};

    public ColumnMap {
        columns = Map.copyOf(columns);
        roles = Map.copyOf(roles);
    }

    /** Reads a mapping file; a wrong or missing key fails with a message naming the key and file. */
    public static ColumnMap load(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, UTF_8)) {
            properties.load(reader);
        }
        try {
            return of(properties);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    public static ColumnMap of(Properties properties) {
        Map<Field, ColumnRef> columns = new EnumMap<>(Field.class);
        Map<String, Role> roles = new LinkedHashMap<>();
        boolean header = bool(properties.getProperty("header", "true"));
        for (String key : properties.stringPropertyNames()) {
            String value = properties.getProperty(key).trim();
            if (key.startsWith("column.")) {
                Field field = Field.byKey(key.substring("column.".length()))
                        .orElseThrow(() -> new IllegalArgumentException("unknown field in key '" + key + "'"));
                columns.put(field, columnRef(key, value, header));
            } else if (key.startsWith("role.")) {
                roles.put(key.substring("role.".length()).toLowerCase(Locale.ROOT), role(key, value));
            } else if (!Arrays.asList("separator", "charset", "header", "dateFormat", "groupSeparator").contains(key)) {
                throw new IllegalArgumentException("unknown key '" + key + "'");
            }
        }
        for (Field field : REQUIRED) {
            if (!columns.containsKey(field)) {
                throw new IllegalArgumentException("column." + field.key() + " is required");
            }
        }
        return new ColumnMap(separator(properties.getProperty("separator", ",")),
                Charset.forName(properties.getProperty("charset", "UTF-8").trim()), header, columns,
                dateFormat(properties.getProperty("dateFormat", "yyyy-MM-dd").trim()),
                properties.getProperty("groupSeparator", ","), roles);
    }

    /** The Hermod role for a role name as in the file, ignoring case and surrounding blanks. */
    public Optional<Role> role(String value) {
        return Optional.ofNullable(roles.get(value.trim().toLowerCase(Locale.ROOT)));
    }

    private static ColumnRef columnRef(String key, String value, boolean header) {
        if (value.matches("[1-9][0-9]*")) {
            return new ColumnRef(null, Integer.parseInt(value));
        }
        if (!header || value.isEmpty()) {
            throw new IllegalArgumentException(key + " must be a 1-based column number"
                    + (header ? " or a column name" : " when header=false") + ", not '" + value + "'");
        }
        return new ColumnRef(value, 0);
    }

    private static Role role(String key, String value) {
        try {
            return Role.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " must be one of " + Arrays.toString(Role.values())
                    + ", not '" + value + "'", e);
        }
    }

    private static char separator(String value) {
        String separator = value.equalsIgnoreCase("tab") ? "\t" : value;
        if (separator.length() != 1 || separator.charAt(0) == '"') {
            throw new IllegalArgumentException("separator must be one character other than '\"', not '" + value + "'");
        }
        return separator.charAt(0);
    }

    private static boolean bool(String value) {
        return switch (value.trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("header must be true or false, not '" + value + "'");
        };
    }

    private static String dateFormat(String pattern) {
        DateTimeFormatter.ofPattern(pattern);
        return pattern;
    }
}
