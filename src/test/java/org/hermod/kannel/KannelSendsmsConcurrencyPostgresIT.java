package org.hermod.kannel;

import org.hermod.testing.TestDatabases;

class KannelSendsmsConcurrencyPostgresIT extends KannelSendsmsConcurrencyContract {
    @Override
    String databaseUrl() {
        return TestDatabases.postgres();
    }
}
