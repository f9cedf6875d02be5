package org.hermod.outbox;

import org.hermod.testing.TestDatabases;

class OutboxApiH2Test extends OutboxApiContract {
    @Override
    String databaseUrl() {
        return TestDatabases.h2();
    }
}
