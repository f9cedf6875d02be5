package org.hermod.password;

import org.hermod.testing.TestDatabases;

/** {@link PasswordResetTest} (welcome's SQL and the reset's) on embedded PostgreSQL. */
class PasswordResetPostgresIT extends PasswordResetTest {

    @Override
    String database() {
        return TestDatabases.postgres();
    }
}
