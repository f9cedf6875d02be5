package org.hermod.ldap;

import org.hermod.testing.TestDatabases;

/** {@link LdapGroupImportTest} on embedded PostgreSQL, where the directory writer stages and merges with its own SQL. */
class LdapGroupImportPostgresIT extends LdapGroupImportTest {

    @Override
    String database() {
        return TestDatabases.postgres();
    }
}
