package org.hermod.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.hermod.outbox.SealedText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sealing of texts that carry a temporary password, without Camel. */
class SealedPasswordTest {

    @TempDir
    Path dir;

    @Test
    void aSealedTextOpensWithItsKeyOnlyAndShowsNothingOfTheText() {
        SealedText box = SealedText.ofFile(dir.resolve("data/secret.key"));
        String sealed = box.seal("Login anna, password Xq7!pR2m");
        assertThat(sealed).startsWith("sealed:v1:").doesNotContain("Xq7!pR2m").doesNotContain("anna");
        assertThat(box.seal("Login anna, password Xq7!pR2m")).as("a fresh IV each time").isNotEqualTo(sealed);
        assertThat(box.open(sealed)).isEqualTo("Login anna, password Xq7!pR2m");
        assertThat(box.open("a plain SMS")).isEqualTo("a plain SMS");
        SealedText other = SealedText.ofFile(dir.resolve("other.key"));
        assertThatThrownBy(() -> other.open(sealed)).hasMessageContaining("another key");
    }

    @Test
    void theKeyFileIsMadeOnceAndReadableByItsOwnerOnly() throws Exception {
        Path key = dir.resolve("data/secret.key");
        SealedText first = SealedText.ofFile(key);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        String sealed = first.seal("x");
        assertThat(SealedText.ofFile(key).open(sealed)).as("the same key on the next start").isEqualTo("x");
    }
}
