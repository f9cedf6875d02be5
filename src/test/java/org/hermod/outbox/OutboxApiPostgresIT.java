package org.hermod.outbox;

import org.hermod.testing.TestDatabases;

class OutboxApiPostgresIT extends OutboxApiContract {
    @Override
    String databaseUrl() {
        return TestDatabases.postgres();
    }
}
