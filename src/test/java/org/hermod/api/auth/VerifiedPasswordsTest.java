package org.hermod.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.hermod.testing.MutableClock;
import org.junit.jupiter.api.Test;

class VerifiedPasswordsTest {

    private static final String HASH = Passwords.hash("right-password-1");
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T10:00:00Z"));
    private final VerifiedPasswords verified = new VerifiedPasswords(clock, Duration.ofMinutes(1), 3);

    @Test
    void aMatchIsRememberedAndAWrongPasswordNever() {
        assertThat(verified.matches("u", "wrong", HASH)).isFalse();
        assertThat(verified.size()).isZero();
        assertThat(verified.matches("u", "right-password-1", HASH)).isTrue();
        assertThat(verified.size()).isEqualTo(1);
        assertThat(verified.matches("u", "wrong", HASH)).isFalse();
        assertThat(verified.matches("v", "right-password-1", HASH)).as("another user, same password: verified anew")
                .isTrue();
        assertThat(verified.size()).isEqualTo(2);
    }

    @Test
    void aChangedPasswordHashEndsTheEntry() {
        assertThat(verified.matches("u", "right-password-1", HASH)).isTrue();
        String newHash = Passwords.hash("new-password-12");
        assertThat(verified.matches("u", "right-password-1", newHash)).isFalse();
        assertThat(verified.matches("u", "new-password-12", newHash)).isTrue();
    }

    @Test
    void anEntryLastsTheTtlAndTheMapIsBounded() {
        long start = System.nanoTime();
        assertThat(verified.matches("u", "right-password-1", HASH)).isTrue();
        long first = System.nanoTime() - start;
        start = System.nanoTime();
        assertThat(verified.matches("u", "right-password-1", HASH)).isTrue();
        assertThat(System.nanoTime() - start).as("remembered: no PBKDF2").isLessThan(first / 10);
        clock.advance(Duration.ofSeconds(61));
        start = System.nanoTime();
        assertThat(verified.matches("u", "right-password-1", HASH)).isTrue();
        assertThat(System.nanoTime() - start).as("expired: PBKDF2 again").isGreaterThan(first / 10);
        for (String u : List.of("a", "b", "c", "d")) {
            verified.matches(u, "right-password-1", HASH);
        }
        assertThat(verified.size()).isEqualTo(3);
    }

    @Test
    void concurrentChecksOfTheSameCredentialsShareOneVerification() {
        List<CompletableFuture<Boolean>> all = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            all.add(CompletableFuture.supplyAsync(() -> verified.matches("u", "right-password-1", HASH)));
        }
        assertThat(all.stream().map(CompletableFuture::join)).containsOnly(true);
    }
}
