package org.hermod.outbox;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Normalises phone numbers to E.164 and checks them against the table of valid mobile prefixes.
 * National numbers get the configured default country code (a leading trunk 0 is dropped). Immutable, so one
 * instance serves every request.
 */
public final class PhoneNumbers {

    /** One row of the mobile prefix table. */
    public record Prefix(String country, String countryCode, String prefix, int minDigits, int maxDigits) {
    }

    /** A number that cannot receive SMS, with the reason in words. */
    public static final class InvalidNumber extends Exception {
        public InvalidNumber(String reason) {
            super(reason);
        }
    }

    private static final Pattern SEPARATORS = Pattern.compile("[\\s\\-./()]");

    private final String defaultCountryCode;
    private final List<Prefix> prefixes;

    public PhoneNumbers(String defaultCountryCode, List<Prefix> prefixes) {
        this.defaultCountryCode = defaultCountryCode;
        this.prefixes = prefixes.stream().sorted(Comparator.comparingInt((Prefix p) -> p.prefix().length()).reversed()).toList();
    }

    /** Returns the number in E.164 ({@code +4512345678}) or says why it cannot receive SMS. */
    public String normalise(String raw) throws InvalidNumber {
        if (raw == null || raw.isBlank()) {
            throw new InvalidNumber("no number");
        }
        String compact = SEPARATORS.matcher(raw.trim()).replaceAll("");
        String e164;
        if (compact.startsWith("+")) {
            e164 = compact;
        } else if (compact.startsWith("00")) {
            e164 = "+" + compact.substring(2);
        } else if (compact.startsWith("0")) {
            e164 = "+" + defaultCountryCode + compact.substring(1);
        } else {
            e164 = "+" + defaultCountryCode + compact;
        }
        if (!e164.substring(1).chars().allMatch(Character::isDigit)) {
            // the value is not echoed, only its ends: reasons end up in mails, the error log and API answers
            throw new InvalidNumber("'" + mask(raw.strip()) + "' is not a phone number (only digits, spaces, +, -, / and () "
                    + "are allowed)");
        }
        int digits = e164.length() - 1;
        if (digits < 7 || digits > 15) {
            throw new InvalidNumber("'" + mask(raw.strip()) + "' has " + digits + " digits; an international number has 7 to 15");
        }
        Optional<Prefix> match = prefixes.stream().filter(p -> e164.startsWith(p.prefix())).findFirst();
        if (match.isPresent()) {
            Prefix p = match.get();
            if (digits < p.minDigits() || digits > p.maxDigits()) {
                throw new InvalidNumber(PhoneNumbers.mask(e164) + " has " + digits + " digits; mobile numbers "
                        + p.prefix() + "… in " + p.country() + " have " + range(p));
            }
            return e164;
        }
        Optional<Prefix> country = prefixes.stream().filter(p -> e164.startsWith("+" + p.countryCode())).findFirst();
        if (country.isPresent()) {
            throw new InvalidNumber(PhoneNumbers.mask(e164) + " is not a mobile number in " + country.get().country()
                    + " (landline or unknown prefix)");
        }
        throw new InvalidNumber(PhoneNumbers.mask(e164) + " is in a country with no mobile prefixes configured");
    }

    private static String range(Prefix p) {
        return p.minDigits() == p.maxDigits() ? p.minDigits() + " digits" : p.minDigits() + " to " + p.maxDigits() + " digits";
    }

    /** For logs: keeps the country code and the last three digits, {@code +45*****678}. */
    public static String mask(String number) {
        if (number == null || number.length() < 6) {
            return "***";
        }
        int keepStart = number.startsWith("+") ? 3 : 0;
        int keepEnd = 3;
        return number.substring(0, keepStart) + "*".repeat(number.length() - keepStart - keepEnd)
                + number.substring(number.length() - keepEnd);
    }
}
