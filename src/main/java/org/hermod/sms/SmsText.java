package org.hermod.sms;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How an SMS text is encoded and segmented (3GPP TS 23.038 and TS 23.040 9.2.3.24.1):
 * GSM 7-bit if every char is in the default alphabet or its extension table, otherwise UCS-2.
 * One segment holds 160 septets or 70 UCS-2 chars; concatenated segments lose six octets to the
 * concatenation header and hold 153 septets or 67 chars.
 * Hand-written because no maintained Java library offers GSM 03.38 + PDU on Java 17 without heavy deps.
 *
 * <p>Segments are counted by splitting, never by division, because a split never separates an
 * escape sequence from its extension character nor the two halves of a UTF-16 surrogate pair.
 *
 * @param units septets for GSM7, UTF-16 code units for UCS2
 * @param segments 0 for an empty text
 */
public record SmsText(String text, Encoding encoding, int units, int segments) {

    /** The alphabet a text is sent in, with its per-segment capacity in units. */
    public enum Encoding {
        GSM7(160, 153),
        UCS2(70, 67);

        private final int single;
        private final int concatenated;

        Encoding(int single, int concatenated) {
            this.single = single;
            this.concatenated = concatenated;
        }

        /** Units that fit a message sent as one segment. */
        public int single() {
            return single;
        }

        /** Units that fit each segment of a concatenated message. */
        public int concatenated() {
            return concatenated;
        }
    }

    public SmsText {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(encoding, "encoding");
    }

    /** Analyses {@code text}; an empty text gives 0 segments, for callers to reject. */
    public static SmsText of(String text) {
        Encoding encoding = Gsm7.canEncode(text) ? Encoding.GSM7 : Encoding.UCS2;
        int units = encoding == Encoding.GSM7 ? Gsm7.septetCount(text) : text.length();
        return new SmsText(text, encoding, units, split(text, encoding, units).size());
    }

    /** The text of each segment, in order; concatenated they give back {@link #text()}. */
    public List<String> split() {
        return split(text, encoding, units);
    }

    private static List<String> split(String text, Encoding encoding, int units) {
        if (text.isEmpty()) {
            return List.of();
        }
        if (units <= encoding.single) {
            return List.of(text);
        }
        List<String> segments = new ArrayList<>();
        int start = 0;
        int used = 0;
        for (int i = 0; i < text.length(); ) {
            int width = Character.charCount(text.codePointAt(i));
            int cost = encoding == Encoding.GSM7 ? Gsm7.septetCount(text.charAt(i)) : width;
            if (used + cost > encoding.concatenated) {
                segments.add(text.substring(start, i));
                start = i;
                used = 0;
            }
            used += cost;
            i += width;
        }
        segments.add(text.substring(start));
        return List.copyOf(segments);
    }
}
