package org.hermod.api.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hermod.Problem;

/**
 * Slows password guessing down without letting a guesser lock the real user out. Wrong passwords are counted per
 * user name and source address: after {@value #PER_PAIR} within {@link #WINDOW} that pair is refused (429), right
 * password or not, until the window has passed; the same user from another address is not affected. A source address
 * that fails {@value #PER_SOURCE} times within the window, over any user names, is refused as a whole. The source
 * is the TCP peer of the request, never a header (behind a reverse proxy every client shares the proxy's address,
 * see docs/SECURITY.md). Kept in memory per process: a restart unlocks, and with several replicas a guesser gets
 * the limit once per replica.
 */
public final class LoginThrottle {

    static final int PER_PAIR = 5;
    static final int PER_SOURCE = 50;
    static final Duration WINDOW = Duration.ofMinutes(15);
    private static final int MAX_ENTRIES = 100_000;

    private record Failures(Instant first, int count) {
    }

    private final Clock clock;
    private final Map<String, Failures> pairs = new ConcurrentHashMap<>();
    private final Map<String, Failures> sources = new ConcurrentHashMap<>();

    public LoginThrottle(Clock clock) {
        this.clock = clock;
    }

    /** Refuses the attempt when this user from this source, or this source, failed too often lately. */
    void check(String username, String source) {
        Instant now = clock.instant();
        Instant until = lockedUntil(pairs.get(pair(username, source)), PER_PAIR, now);
        if (until == null) {
            until = lockedUntil(sources.get(source), PER_SOURCE, now);
        }
        if (until != null) {
            throw new Problem(Problem.Kind.TOO_MANY_REQUESTS, null, "too many failed logins from your address; "
                    + "try again after " + until);
        }
    }

    void failed(String username, String source) {
        Instant now = clock.instant();
        if (pairs.size() > MAX_ENTRIES || sources.size() > MAX_ENTRIES) {
            pairs.values().removeIf(f -> !now.isBefore(f.first().plus(WINDOW)));
            sources.values().removeIf(f -> !now.isBefore(f.first().plus(WINDOW)));
        }
        pairs.merge(pair(username, source), new Failures(now, 1), (old, one) -> count(old, now));
        sources.merge(source, new Failures(now, 1), (old, one) -> count(old, now));
    }

    void succeeded(String username, String source) {
        pairs.remove(pair(username, source));
    }

    private static Failures count(Failures old, Instant now) {
        return now.isBefore(old.first().plus(WINDOW)) ? new Failures(old.first(), old.count() + 1) : new Failures(now, 1);
    }

    private static Instant lockedUntil(Failures f, int limit, Instant now) {
        if (f == null || f.count() < limit) {
            return null;
        }
        Instant end = f.first().plus(WINDOW);
        return now.isBefore(end) ? end : null;
    }

    private static String pair(String username, String source) {
        return username + "\u0000" + source;
    }
}
