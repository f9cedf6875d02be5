package org.hermod.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.hermod.Problem;

/** JSON in and out of the admin API. Input errors name the field. */
public final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .registerModule(new SimpleModule()
                    .addSerializer(Instant.class, ToStringSerializer.instance)
                    .addSerializer(LocalDate.class, ToStringSerializer.instance)
                    .addSerializer(LocalTime.class, ToStringSerializer.instance)
                    .addSerializer(java.time.ZoneId.class, ToStringSerializer.instance));

    private Json() {
    }

    /**
     * Writes the response: status, content type and body; request headers are not echoed back. Every answer is
     * {@code nosniff} (a browser never reads the JSON as HTML or script) and {@code no-store} (personal data and
     * tokens are kept by no cache, shared or the browser's).
     */
    public static String respond(Exchange exchange, int status, Object body) {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setHeader("X-Content-Type-Options", "nosniff");
        exchange.getMessage().setHeader("Cache-Control", "no-store");
        try {
            return MAPPER.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The request body as an object; an empty body is an empty object. */
    public static Body body(Exchange exchange) {
        if (exchange.getMessage().getBody() instanceof java.util.Map) {
            throw Problem.badRequest("body", "must be JSON sent with Content-Type: application/json");
        }
        String raw = exchange.getMessage().getBody(String.class);
        if (raw == null || raw.isBlank()) {
            return new Body(MAPPER.createObjectNode());
        }
        try {
            JsonNode node = MAPPER.readTree(raw);
            if (!node.isObject()) {
                throw Problem.badRequest("body", "must be a JSON object");
            }
            return new Body(node);
        } catch (JsonProcessingException e) {
            throw Problem.badRequest("body", "is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** Typed access to a JSON object whose errors name the field. */
    public record Body(JsonNode node) {

        /** The field's text, or null; a NUL character is refused (PostgreSQL cannot store it in a text column). */
        public String string(String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isTextual()) {
                throw Problem.badRequest(field, "must be a string");
            }
            return Limits.check(field, v.asText());
        }

        /** The field's text, or null; longer than {@code max} characters (its column's size) is refused. */
        public String string(String field, int max) {
            return Limits.check(field, string(field), max);
        }

        public String requiredString(String field) {
            String v = string(field);
            if (v == null || v.isBlank()) {
                throw Problem.badRequest(field, "is required");
            }
            return v;
        }

        public String requiredString(String field, int max) {
            return Limits.check(field, requiredString(field), max);
        }

        /** {@link #strings(String)} with every element at most {@code max} characters. */
        public List<String> strings(String field, int max) {
            List<String> out = strings(field);
            for (int i = 0; i < out.size(); i++) {
                Limits.check(field + "[" + i + "]", out.get(i), max);
            }
            return out;
        }

        public boolean bool(String field, boolean fallback) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (!v.isBoolean()) {
                throw Problem.badRequest(field, "must be true or false");
            }
            return v.asBoolean();
        }

        public Integer integer(String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.canConvertToInt() || !v.isIntegralNumber()) {
                throw Problem.badRequest(field, "must be a whole number");
            }
            return v.asInt();
        }

        public List<String> strings(String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return List.of();
            }
            if (!v.isArray()) {
                throw Problem.badRequest(field, "must be an array of strings");
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                if (!v.get(i).isTextual()) {
                    throw Problem.badRequest(field + "[" + i + "]", "must be a string");
                }
                out.add(Limits.check(field + "[" + i + "]", v.get(i).asText()));
            }
            return out;
        }

        public List<Long> longs(String field) {
            JsonNode v = node.get(field);
            if (v == null || !v.isArray() || v.isEmpty()) {
                throw Problem.badRequest(field, "must be a non-empty array of ids");
            }
            List<Long> out = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                if (!v.get(i).isIntegralNumber()) {
                    throw Problem.badRequest(field + "[" + i + "]", "must be an id");
                }
                out.add(v.get(i).asLong());
            }
            return out;
        }

        public Instant instant(String field) {
            return Json.instant(field, string(field));
        }

        public <E extends Enum<E>> E choice(String field, Class<E> type) {
            return Json.choice(field, string(field), type);
        }
    }

    public static Instant instant(String field, String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(raw);
        } catch (RuntimeException e) {
            throw Problem.badRequest(field, "must be an ISO-8601 instant like 2026-01-31T18:00:00Z, was '" + raw + "'");
        }
    }

    public static <E extends Enum<E>> E choice(String field, String raw, Class<E> type) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return Enum.valueOf(type, raw.trim().toUpperCase());
        } catch (IllegalArgumentException e) {
            throw Problem.badRequest(field, "must be one of " + java.util.Arrays.toString(type.getEnumConstants())
                    + ", was '" + raw + "'");
        }
    }
}
