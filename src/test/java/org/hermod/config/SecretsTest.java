package org.hermod.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void secretKeysAreMaskedWhole() {
        assertThat(Secrets.mask("hermod.ldap.bind-password", "pw")).isEqualTo("xxxxxx");
        assertThat(Secrets.mask("hermod.websms.channels[3].callback-secret", "pw")).isEqualTo("xxxxxx");
        assertThat(Secrets.mask("hermod.modem.devices[0].pin", "1234")).isEqualTo("xxxxxx");
        assertThat(Secrets.mask("hermod.outbox.max-age", "7d")).isEqualTo("7d");
    }

    @Test
    void secretsInsideUrlsAreMaskedAndTheRestKept() {
        assertThat(Secrets.maskEmbedded("jdbc:postgresql://h/db?user=u&password=xyz&ssl=true"))
                .isEqualTo("jdbc:postgresql://h/db?user=u&password=xxxxxx&ssl=true");
        assertThat(Secrets.maskEmbedded("jdbc:postgresql://u:pa55@h:5432/db")).isEqualTo("jdbc:postgresql://u:xxxxxx@h:5432/db");
        assertThat(Secrets.maskEmbedded("jdbc:h2:file:./x;USER=sa;PASSWORD=abc")).isEqualTo("jdbc:h2:file:./x;USER=sa;PASSWORD=xxxxxx");
        assertThat(Secrets.mask("hermod.websms.channels[0].callback-url", "https://h/websms/w/callback?secret=abc"))
                .isEqualTo("https://h/websms/w/callback?secret=xxxxxx");
        assertThat(Secrets.maskEmbedded("ldaps://ldap.example:636")).isEqualTo("ldaps://ldap.example:636");
    }
}
