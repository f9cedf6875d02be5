package org.hermod.sis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdLinesTest {

    @Test
    void remembersTheFirstLineOfEveryIdThroughGrowth() {
        IdLines ids = new IdLines();
        for (int i = 0; i < 100_000; i++) {
            assertThat(ids.putIfAbsent("enr-" + i, i + 2)).isNull();
        }
        assertThat(ids.putIfAbsent("enr-77", 999_999)).isEqualTo(79);
        assertThat(ids.get("enr-99999")).isEqualTo(100_001);
        assertThat(ids.get("enr-100000")).isNull();
        assertThat(ids.contains("enr-0")).isTrue();
        assertThat(ids.contains("")).isFalse();
    }

    @Test
    void fingerprintsDifferForNearIdsAndAreNeverTheEmptyMarker() {
        assertThat(IdLines.fingerprint("u1")).isNotEqualTo(IdLines.fingerprint("u2"));
        assertThat(IdLines.fingerprint("Ærø")).isNotEqualTo(IdLines.fingerprint("Aero"));
        assertThat(IdLines.fingerprint("")).isNotZero();
    }
}
