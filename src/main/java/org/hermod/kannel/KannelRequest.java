package org.hermod.kannel;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.hermod.Problem;

/**
 * The parameters of one sendsms request, the way Kannel's smsbox reads them: a query string or form body is
 * percent-decoded to bytes; {@code text} is then decoded with {@code charset} (Kannel's default: UTF-8, or
 * UTF-16BE with {@code coding=2}), every other parameter as UTF-8. Kannel's POST with {@code X-Kannel-*} headers
 * has the text as the body and its charset in {@code X-Kannel-Charset} or the Content-Type. Pure: no Camel.
 */
public final class KannelRequest {

    /** The X-Kannel headers Kannel's POST sendsms reads, and the parameter each stands for. */
    static final Map<String, String> HEADERS = Map.ofEntries(Map.entry("x-kannel-username", "username"),
            Map.entry("x-kannel-password", "password"), Map.entry("x-kannel-to", "to"),
            Map.entry("x-kannel-from", "from"), Map.entry("x-kannel-smsc", "smsc"),
            Map.entry("x-kannel-dlr-url", "dlr-url"), Map.entry("x-kannel-dlr-mask", "dlr-mask"),
            Map.entry("x-kannel-charset", "charset"), Map.entry("x-kannel-coding", "coding"),
            Map.entry("x-kannel-udh", "udh"));

    private final Map<String, String> values;

    private KannelRequest(Map<String, String> values) {
        this.values = values;
    }

    public String get(String name) {
        return values.get(name);
    }

    /** {@code username} or Kannel's older {@code user}; the same for password and pass. */
    public String username() {
        return values.getOrDefault("username", values.get("user"));
    }

    public String password() {
        return values.getOrDefault("password", values.get("pass"));
    }

    /** A query string or form body, e.g. {@code username=u&text=%E6%F8%E5&charset=ISO-8859-1}. */
    public static KannelRequest form(String... encodedParts) {
        Map<String, byte[]> raw = new HashMap<>();
        for (String encoded : encodedParts) {
            if (encoded == null || encoded.isEmpty()) {
                continue;
            }
            for (String pair : encoded.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    raw.putIfAbsent(new String(percentDecode(pair.substring(0, eq)), StandardCharsets.UTF_8),
                            percentDecode(pair.substring(eq + 1)));
                }
            }
        }
        Map<String, String> values = new HashMap<>();
        raw.forEach((k, v) -> {
            if (!k.equals("text")) {
                values.put(k, new String(v, StandardCharsets.UTF_8));
            }
        });
        if (raw.containsKey("text")) {
            values.put("text", decodeText(raw.get("text"), values.get("charset"), values.get("coding")));
        }
        return new KannelRequest(values);
    }

    /**
     * Kannel's POST: the X-Kannel headers (names in lower case) and the body as the text, in the charset of
     * X-Kannel-Charset or else of the Content-Type.
     */
    public static KannelRequest headers(Map<String, String> lowerCaseHeaders, String contentType, byte[] body) {
        Map<String, String> values = new HashMap<>();
        HEADERS.forEach((header, name) -> {
            String v = lowerCaseHeaders.get(header);
            if (v != null) {
                values.put(name, v);
            }
        });
        if (values.get("charset") == null) {
            contentTypeCharset(contentType).ifPresent(c -> values.put("charset", c));
        }
        values.put("text", decodeText(body == null ? new byte[0] : body, values.get("charset"), values.get("coding")));
        return new KannelRequest(values);
    }

    /** Hermod's own POST (not Kannel's): parameters in the query string, the text as a body of another type. */
    public static KannelRequest queryWithBody(String query, String contentType, byte[] body) {
        KannelRequest q = form(query);
        if (q.values.get("text") == null && body != null && body.length > 0) {
            String charset = q.values.get("charset") != null ? q.values.get("charset")
                    : contentTypeCharset(contentType).orElse(null);
            q.values.put("text", decodeText(body, charset, q.values.get("coding")));
        }
        return q;
    }

    /** The text's bytes in its charset; Kannel's default is UTF-8, or UTF-16BE for coding 2 (UCS-2). */
    static String decodeText(byte[] bytes, String charset, String coding) {
        Charset cs;
        try {
            cs = charset == null || charset.isBlank()
                    ? ("2".equals(coding == null ? null : coding.trim()) ? StandardCharsets.UTF_16BE : StandardCharsets.UTF_8)
                    : Charset.forName(charset.trim());
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw Problem.badRequest("charset", "unknown charset '" + charset + "'");
        }
        CharsetDecoder decoder = cs.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return decoder.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw Problem.badRequest("text", "is not valid " + cs.name() + "; give its charset with charset=");
        }
    }

    private static Optional<String> contentTypeCharset(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        for (String part : contentType.split(";")) {
            String p = part.trim();
            if (p.toLowerCase(Locale.ROOT).startsWith("charset=")) {
                return Optional.of(p.substring(8).replace("\"", "").trim());
            }
        }
        return Optional.empty();
    }

    /** application/x-www-form-urlencoded decoding to bytes: {@code +} is a space, {@code %XX} a byte. */
    static byte[] percentDecode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        byte[] in = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < in.length; i++) {
            byte b = in[i];
            if (b == '+') {
                out.write(' ');
            } else if (b == '%' && i + 2 < in.length && Character.digit(in[i + 1], 16) >= 0
                    && Character.digit(in[i + 2], 16) >= 0) {
                out.write(Character.digit(in[i + 1], 16) << 4 | Character.digit(in[i + 2], 16));
                i += 2;
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }
}
