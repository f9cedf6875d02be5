package org.hermod.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.hermod.testing.HermodApp;
import org.hermod.testing.TestDatabases;
import org.junit.jupiter.api.Test;

class StartupConfigTest {

    private static Settings settings(Map<String, String> values) {
        return new Settings(key -> Optional.ofNullable(values.get(key)));
    }

    @Test
    void invalidValuesNameTheKey() {
        assertThatThrownBy(() -> settings(Map.of("hermod.outbox.max-age", "a week")).duration("hermod.outbox.max-age"))
                .hasMessage("Configuration hermod.outbox.max-age must be a duration like 500ms, 30s, 5m, 2h or 7d, "
                        + "was 'a week'");
        assertThatThrownBy(() -> settings(Map.of()).string("hermod.db.url"))
                .hasMessage("Configuration hermod.db.url is required but not set");
        assertThatThrownBy(() -> settings(Map.of("k", "0")).integer("k", 1, 9)).hasMessageContaining("between 1 and 9");
        assertThatThrownBy(() -> settings(Map.of("k", "maybe")).bool("k")).hasMessageContaining("true or false");
    }

    @Test
    void theApplicationRefusesToStartOnABadValueAndSaysWhichKey() {
        assertThatThrownBy(() -> HermodApp.on(TestDatabases.h2()).with("hermod.outbox.in-doubt", "guess").start())
                .rootCause().hasMessageContaining("hermod.outbox.in-doubt must be one of [resend, unknown], was 'guess'");
        assertThatThrownBy(() -> HermodApp.on(TestDatabases.h2()).with("hermod.outbox.default-channel", "pigeon").start())
                .rootCause().hasMessageContaining("hermod.outbox.default-channel names no channel ('pigeon')");
    }
}
