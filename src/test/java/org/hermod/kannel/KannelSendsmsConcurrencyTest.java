package org.hermod.kannel;

import org.hermod.testing.TestDatabases;

class KannelSendsmsConcurrencyTest extends KannelSendsmsConcurrencyContract {
    @Override
    String databaseUrl() {
        return TestDatabases.h2();
    }
}
