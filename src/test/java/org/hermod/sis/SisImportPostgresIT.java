package org.hermod.sis;

import org.hermod.testing.TestDatabases;

/**
 * {@link SisImportTest} on embedded PostgreSQL: the directory writer stages and merges with COPY, indexes built
 * after loading and ANALYZE there, with declared keys on H2, so both need the whole test.
 */
class SisImportPostgresIT extends SisImportTest {

    @Override
    String database() {
        return TestDatabases.postgres();
    }
}
