package org.hermod.ldap;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Benchmark for issue 13 (not part of the test suite; {@code bench/run LdapDeltaBench}, size from
 * {@code -Dldap.bench.users}, default 1,500 as in the test; the figures in docs/PERFORMANCE.md are for 5,000, through
 * {@code BENCH_MVN_FLAGS}): the fixture of
 * {@link LdapLargeGroupDeltaTest}, and the delta run after its three changes, timed from the run request to its
 * {@code sis_import} row being finished, with the searches the server received.
 */
@Tag("bench")
class LdapDeltaBench extends LdapLargeGroupDeltaTest {

    @Test
    void deltaWithALargeGroup() throws Exception {
        Delta delta = changeThreeEntriesAndRunTheDelta();
        String line = String.format("LDAP delta, %,d users, a groupOfNames and a posixGroup of all of them changed, "
                + "one user added: %,d searches, %,d ms (run %s)%n", USERS, delta.searches(), delta.millis(),
                delta.run().get("status").asText());
        System.out.print(line);
        Path file = Path.of("target/bench/ldap.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Override
    @Test
    @Disabled("the bench measures; LdapLargeGroupDeltaTest asserts")
    void aDeltaTouchingGroupsOfThousandsOfMembersLooksThemUpInBatches() {
    }
}
