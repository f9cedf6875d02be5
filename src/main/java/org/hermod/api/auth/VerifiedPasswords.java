package org.hermod.api.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Remembers, for a short time, that a user name and password matched a stored PBKDF2 hash, so a client sending
 * the same credentials on every request (Kannel's sendsms) pays PBKDF2 once, not per request.
 *
 * <ul>
 *   <li>Only a match is remembered: a wrong password is verified every time, at full cost.</li>
 *   <li>The entry holds the stored hash it matched and counts only while the user's row still has that hash:
 *       a changed password (here, on another instance or by SQL) or a deleted user ends it at once.</li>
 *   <li>Keyed by HMAC-SHA256 of user name and password under a key made at start-up and never stored, so the
 *       map holds nothing that can be tested offline faster than PBKDF2.</li>
 *   <li>At most {@code maxEntries} (least recently used go first), each for {@code ttl} after its verification.</li>
 *   <li>Concurrent checks of the same credentials against the same hash share one PBKDF2 run.</li>
 * </ul>
 */
final class VerifiedPasswords {

    private record Entry(String storedHash, Instant verifiedAt) {
    }

    private final Clock clock;
    private final Duration ttl;
    private final SecretKeySpec key;
    private final Map<String, Entry> entries;
    private final ConcurrentHashMap<String, CompletableFuture<Boolean>> running = new ConcurrentHashMap<>();
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

    VerifiedPasswords(Clock clock, Duration ttl, int maxEntries) {
        this.clock = clock;
        this.ttl = ttl;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > maxEntries;
            }
        };
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code password} is the password of {@code storedHash}, user {@code username}'s current hash. */
    boolean matches(String username, String password, String storedHash) {
        String k = key(username, password);
        Instant now = clock.instant();
        synchronized (entries) {
            Entry e = entries.get(k);
            if (e != null && e.storedHash().equals(storedHash) && now.isBefore(e.verifiedAt().plus(ttl))) {
                return true;
            }
        }
        CompletableFuture<Boolean> mine = new CompletableFuture<>();
        String runKey = k + '$' + storedHash;
        CompletableFuture<Boolean> other = running.putIfAbsent(runKey, mine);
        if (other != null) {
            return other.join();
        }
        try {
            boolean ok = Passwords.matches(password, storedHash);
            if (ok) {
                synchronized (entries) {
                    entries.put(k, new Entry(storedHash, now));
                }
            }
            mine.complete(ok);
            return ok;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            running.remove(runKey, mine);
        }
    }

    void clear() {
        synchronized (entries) {
            entries.clear();
        }
    }

    int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    private String key(String username, String password) {
        Mac mac = macs.get(); // Mac.getInstance and init cost more than the HMAC itself: one per thread
        mac.update(username.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        return HexFormat.of().formatHex(mac.doFinal(password.getBytes(StandardCharsets.UTF_8)));
    }
}
