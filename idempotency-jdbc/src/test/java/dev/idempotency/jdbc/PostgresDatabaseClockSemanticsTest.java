package dev.idempotency.jdbc;

import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.testkit.SemanticsSuite;
import java.time.Clock;

/** The contract's semantics on PostgreSQL with the database's clock (the default): tests that move time are skipped. */
class PostgresDatabaseClockSemanticsTest extends SemanticsSuite {
    @Override
    protected IdempotencyStore newStore(Clock clock) {
        return Databases.store(Database.POSTGRESQL, null);
    }

    @Override
    protected boolean storeUsesTestClock() {
        return false;
    }
}
