package org.hermod.outbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.hermod.Problem;
import org.hermod.db.Jdbc;

/**
 * The table of valid mobile prefixes per country (seed 002, "Vorwahlen"). Every send request checks its numbers
 * against it, so {@link #phoneNumbers} uses the table as read within the last {@link #REMEMBER}: a change made here
 * is seen at once, one made by another Hermod process on the same database within that time.
 */
public final class MobilePrefixes {

    public record Row(long id, PhoneNumbers.Prefix prefix, String description) {
    }

    public static final Duration REMEMBER = Duration.ofSeconds(5);

    private record Read(String defaultCountryCode, PhoneNumbers numbers, Instant at) {
    }

    private final Jdbc jdbc;
    private final Clock clock;
    private volatile Read read;

    public MobilePrefixes(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public List<Row> list() {
        return jdbc.query("select * from mobile_prefix order by prefix", rs -> new Row(rs.getLong("id"),
                new PhoneNumbers.Prefix(rs.getString("country"), rs.getString("country_code"), rs.getString("prefix"),
                        rs.getInt("min_digits"), rs.getInt("max_digits")), rs.getString("description")));
    }

    public PhoneNumbers phoneNumbers(String defaultCountryCode) {
        Instant now = clock.instant();
        Read r = read;
        if (r == null || !r.defaultCountryCode().equals(defaultCountryCode) || !now.isBefore(r.at().plus(REMEMBER))
                || now.isBefore(r.at())) {
            r = new Read(defaultCountryCode, new PhoneNumbers(defaultCountryCode, list().stream().map(Row::prefix)
                    .toList()), now);
            read = r;
        }
        return r.numbers();
    }

    /**
     * The one rule for {@code dir_user.mobile_norm}, on every path that writes a user's mobile (SIS and LDAP imports,
     * the directory API): the number in E.164 as the outbox sends to it, or null when it cannot receive SMS (then only
     * {@code mobile} keeps it as written). The SMS password reset finds users by it. Prefixes as they are now.
     */
    public java.util.function.Function<String, String> mobileNormaliser(String defaultCountryCode) {
        PhoneNumbers numbers = phoneNumbers(defaultCountryCode);
        return raw -> {
            if (raw == null || raw.isBlank()) {
                return null;
            }
            try {
                return numbers.normalise(raw);
            } catch (PhoneNumbers.InvalidNumber e) {
                return null;
            }
        };
    }

    public long add(PhoneNumbers.Prefix p, String description) {
        if (!p.prefix().matches("\\+\\d{2,12}")) {
            throw Problem.badRequest("prefix", "must be + followed by 2 to 12 digits, was '" + p.prefix() + "'");
        }
        if (!p.countryCode().matches("\\d{1,3}") || !p.prefix().startsWith("+" + p.countryCode())) {
            throw Problem.badRequest("countryCode", "must be the 1 to 3 digits the prefix starts with");
        }
        if (!p.country().matches("[A-Z]{2}")) {
            throw Problem.badRequest("country", "must be an ISO 3166 code like DK");
        }
        if (p.minDigits() < 7 || p.maxDigits() > 15 || p.minDigits() > p.maxDigits()) {
            throw Problem.badRequest("minDigits", "digits must satisfy 7 <= minDigits <= maxDigits <= 15");
        }
        if (!jdbc.query("select id from mobile_prefix where prefix = ?", rs -> rs.getLong(1), p.prefix()).isEmpty()) {
            throw new Problem(Problem.Kind.CONFLICT, "prefix", "prefix " + p.prefix() + " exists already");
        }
        jdbc.update("insert into mobile_prefix (country, country_code, prefix, min_digits, max_digits, description) "
                + "values (?, ?, ?, ?, ?, ?)", p.country(), p.countryCode(), p.prefix(), p.minDigits(), p.maxDigits(),
                description);
        read = null;
        return jdbc.query("select id from mobile_prefix where prefix = ?", rs -> rs.getLong(1), p.prefix()).get(0);
    }

    public void delete(long id) {
        if (jdbc.update("delete from mobile_prefix where id = ?", id) == 0) {
            throw Problem.notFound("prefix " + id);
        }
        read = null;
    }
}
