package org.hermod.modem;

import java.util.List;
import java.util.Optional;

/**
 * The answer to one AT command: its information lines (echo and unsolicited codes removed) and the final
 * result code that ended it ({@code OK}, {@code ERROR}, {@code +CME ERROR: <n>}, {@code +CMS ERROR: <n>}, ...).
 */
public record AtResponse(List<String> lines, String result) {

    public AtResponse {
        lines = List.copyOf(lines);
    }

    public boolean ok() {
        return "OK".equals(result);
    }

    /** The {@code <err>} of {@code +CMS ERROR: <err>} (TS 27.005 3.2.5), if that is how it ended. */
    public Optional<Integer> cmsError() {
        return code("+CMS ERROR:");
    }

    /** The {@code <err>} of {@code +CME ERROR: <err>} (TS 27.007 9.2), if that is how it ended. */
    public Optional<Integer> cmeError() {
        return code("+CME ERROR:");
    }

    /** The value after {@code prefix} of the first information line that starts with it, trimmed. */
    public Optional<String> value(String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).findFirst().map(l -> l.substring(prefix.length()).trim());
    }

    private Optional<Integer> code(String prefix) {
        if (result == null || !result.startsWith(prefix)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(result.substring(prefix.length()).trim()));
        } catch (NumberFormatException e) {
            return Optional.of(-1);
        }
    }

    @Override
    public String toString() {
        return lines.isEmpty() ? result : String.join(" | ", lines) + " | " + result;
    }
}
