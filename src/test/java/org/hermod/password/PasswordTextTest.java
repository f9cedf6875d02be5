package org.hermod.password;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordTextTest {

    @Test
    void fillsKnownPlaceholdersOnceAndLeavesOthersAndValuesAlone() {
        assertThat(PasswordText.fill("Hi {givenName}: {account}/{password} {loginUrl} {unknown} {", "anna", "pw{account}",
                null, "Anna")).isEqualTo("Hi Anna: anna/pw{account}  {unknown} {");
    }

    @Test
    void masksEveryOccurrenceOfThePassword() {
        assertThat(PasswordText.mask("a: Xy7 and Xy7", "Xy7")).isEqualTo("a: ******** and ********");
    }
}
