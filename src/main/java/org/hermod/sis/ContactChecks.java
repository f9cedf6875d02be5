package org.hermod.sis;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Plausibility of contact fields. Deliberately loose: the SMS outbox decides with its table of
 * mobile prefixes whether a number can be texted; here only values that cannot be a phone number
 * or an address at all are caught.
 */
public final class ContactChecks {

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s.]+");
    private static final String PHONE_PUNCTUATION = "+-()/. ";

    private ContactChecks() {
    }

    /** Why {@code value} is not an e-mail address, or empty if it looks like one. */
    public static Optional<String> emailProblem(String value) {
        return EMAIL.matcher(value).matches()
                ? Optional.empty()
                : Optional.of("not an e-mail address '" + value + "'");
    }

    /** Why {@code value} is not a phone number, or empty if it could be one. */
    public static Optional<String> phoneProblem(String value) {
        if (value.chars().anyMatch(Character::isLetter)) {
            return Optional.of("letters in phone number '" + value + "'");
        }
        for (char c : value.toCharArray()) {
            if (!isDigit(c) && PHONE_PUNCTUATION.indexOf(c) < 0) {
                return Optional.of("unexpected character '" + c + "' in phone number '" + value + "'");
            }
        }
        if (value.chars().filter(ContactChecks::isDigit).count() < 3) {
            return Optional.of("too few digits in phone number '" + value + "'");
        }
        return Optional.empty();
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }
}
