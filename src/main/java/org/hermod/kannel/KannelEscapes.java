package org.hermod.kannel;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;

/**
 * Kannel 1.4.5's escape codes in a {@code dlr-url}, filled as Kannel fills them for a delivery report
 * (urltrans_fill_escape_codes, checked against the Debian package with the same requests, see
 * KannelEscapesTest). Escapes Kannel knows but Hermod has no value for get what Kannel gives a report that
 * lacks the value: empty for %B %D %f %o %u, {@code -1} for %c %m %M (undefined in a report), {@code 00} for
 * %O, {@code UTF-8} for %C. A {@code %} before any other character is kept, as Kannel keeps it.
 *
 * <p>Values are URL-encoded as Kannel's octstr_url_encode does: letters, digits and {@code -_.!~*'()} stay,
 * a space becomes {@code +}, every other byte of the UTF-8 text becomes {@code %XX}. %S is the one escape
 * Kannel leaves unencoded.
 */
public final class KannelEscapes {

    private static final DateTimeFormatter KANNEL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd+HH:mm:ss")
            .withZone(ZoneOffset.UTC);
    private static final String SAFE = "-_.!~*'()";

    private KannelEscapes() {
    }

    /**
     * What a delivery report tells; a null field is a value Hermod does not have.
     *
     * @param event the dlr-mask bit this report is for (%d)
     * @param receiver the SMS's recipient (%p, %q)
     * @param sender the {@code from} given to sendsms (%P, %Q)
     * @param smscId Hermod's channel name (%i)
     * @param messageId Hermod's SMS id (%I)
     * @param foreignId the SMSC's message id (%F)
     * @param service the sendsms user (%n)
     * @param answer the report text: the receipt's short message, {@code ACK/} or {@code NACK/…} (%A %a %b %k %s %S %r)
     * @param at when the report was made (%t, %T)
     * @param dlrUrl the dlr-url as given (%R)
     */
    public record Report(int event, String receiver, String sender, String smscId, String messageId,
                         String foreignId, String service, String answer, Instant at, String dlrUrl) {
    }

    /** The pattern with every escape filled in. */
    public static String expand(String pattern, Report r) {
        List<String> words = r.answer() == null || r.answer().isBlank() ? List.of()
                : Arrays.asList(r.answer().trim().split("\\s+"));
        int nextWord = 1;
        StringBuilder out = new StringBuilder(pattern.length() + 64);
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c != '%' || i + 1 == pattern.length()) {
                out.append(c);
                continue;
            }
            char code = pattern.charAt(++i);
            switch (code) {
                case 'a' -> out.append(String.join("+", words.stream().map(KannelEscapes::encode).toList()));
                case 'A', 'b' -> out.append(encode(r.answer()));
                case 'c', 'm', 'M' -> out.append("-1");
                case 'C' -> out.append("UTF-8");
                case 'd' -> out.append(r.event());
                case 'D', 'B', 'f', 'o', 'u' -> { }
                case 'F' -> out.append(encode(r.foreignId()));
                case 'i' -> out.append(encode(r.smscId()));
                case 'I' -> out.append(r.messageId() == null ? "" : r.messageId());
                case 'k' -> out.append(words.isEmpty() ? "" : encode(words.get(0)));
                case 'n' -> out.append(encode(r.service()));
                case 'O' -> out.append("00");
                case 'p' -> out.append(encode(r.receiver()));
                case 'P' -> out.append(encode(r.sender()));
                case 'q' -> out.append(international(r.receiver()));
                case 'Q' -> out.append(international(r.sender()));
                case 'r' -> out.append(String.join("+", words.subList(Math.min(nextWord, words.size()), words.size())
                        .stream().map(KannelEscapes::encode).toList()));
                case 's' -> out.append(nextWord < words.size() ? encode(words.get(nextWord++)) : "");
                case 'S' -> out.append(nextWord < words.size() ? words.get(nextWord++).replace('*', '~') : "");
                case 'R' -> out.append(encode(r.dlrUrl()));
                case 't' -> out.append(r.at() == null ? "" : KANNEL_TIME.format(r.at()));
                case 'T' -> out.append(r.at() == null ? "" : Long.toString(r.at().getEpochSecond()));
                case '%' -> out.append('%');
                default -> out.append('%').append(code);
            }
        }
        return out.toString();
    }

    /**
     * The expanded URL as a URI. Kannel sends what it expanded as it is; a {@code %} that starts no {@code %XX}
     * (an escape Kannel does not know, {@code %%}) or a character a URI cannot hold is percent-encoded here
     * instead, so the receiver decodes the same text and the URL is never unparseable.
     */
    public static URI toUri(String expanded) throws URISyntaxException {
        StringBuilder out = new StringBuilder(expanded.length() + 16);
        byte[] bytes = expanded.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xFF;
            if (b == '%' && i + 2 < bytes.length && hex(bytes[i + 1]) && hex(bytes[i + 2])) {
                out.append('%');
            } else if (b > 0x20 && b < 0x7F && b != '%' && "\"<>\\^`{|}".indexOf(b) < 0) {
                out.append((char) b);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
            }
        }
        return new URI(out.toString());
    }

    /** Kannel's octstr_url_encode of the UTF-8 text; null is empty. */
    static String encode(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (byte raw : s.getBytes(StandardCharsets.UTF_8)) {
            int b = raw & 0xFF;
            if (b == ' ') {
                out.append('+');
            } else if (b < 0x80 && (Character.isLetterOrDigit(b) || SAFE.indexOf(b) >= 0)) {
                out.append((char) b);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
            }
        }
        return out.toString();
    }

    /** %q and %Q: a number starting with 00 gets +, encoded, instead. */
    private static String international(String number) {
        return number != null && number.startsWith("00") ? "%2B" + encode(number.substring(2)) : encode(number);
    }

    private static boolean hex(byte b) {
        return Character.digit(b, 16) >= 0;
    }
}
