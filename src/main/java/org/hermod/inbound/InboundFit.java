package org.hermod.inbound;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * An inbound SMS made to fit its inbound_sms row (V3): a channel may hand over fields longer than the columns, or
 * a NUL character PostgreSQL cannot store, and the SMS must be stored all the same. Only what cannot be stored is
 * changed, and {@link #changes} says what (lengths only, never the values): a text is cut with a note at its end
 * saying how long it was, an address is cut, an over-long provider id becomes its start and a digest (so a
 * repeated delivery is still recognised), a NUL becomes U+FFFD. Pure.
 */
record InboundFit(String providerId, String sender, String recipient, String text, List<String> changes) {

    static final int PROVIDER_ID = 128;
    static final int ADDRESS = 32;
    static final int TEXT = 4000;

    static InboundFit of(String providerId, String sender, String recipient, String text) {
        List<String> changes = new ArrayList<>();
        String id = noNul("providerId", providerId, changes);
        if (id != null && id.length() > PROVIDER_ID) {
            changes.add("providerId of " + id.length() + " characters replaced by its start and SHA-256");
            id = id.substring(0, PROVIDER_ID - 65) + "~" + sha256(id);
        }
        return new InboundFit(id, cut("sender", noNul("sender", sender, changes), changes),
                cut("recipient", noNul("recipient", recipient, changes), changes),
                cutText(noNul("text", text, changes), changes), List.copyOf(changes));
    }

    private static String noNul(String field, String value, List<String> changes) {
        if (value == null || value.indexOf('\0') < 0) {
            return value;
        }
        changes.add(field + ": NUL characters replaced by U+FFFD");
        return value.replace('\0', '\uFFFD');
    }

    private static String cut(String field, String value, List<String> changes) {
        if (value == null || value.length() <= ADDRESS) {
            return value;
        }
        changes.add(field + " of " + value.length() + " characters cut to " + ADDRESS);
        return value.substring(0, end(value, ADDRESS));
    }

    private static String cutText(String text, List<String> changes) {
        if (text == null || text.length() <= TEXT) {
            return text;
        }
        String note = " [… cut by Hermod: " + text.length() + " characters received]";
        changes.add("text of " + text.length() + " characters cut to " + TEXT + " (the stored text ends with a note)");
        return text.substring(0, end(text, TEXT - note.length())) + note;
    }

    /** {@code max}, or one less so a surrogate pair is not split. */
    private static int end(String s, int max) {
        return Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
