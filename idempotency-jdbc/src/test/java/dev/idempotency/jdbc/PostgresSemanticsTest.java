package dev.idempotency.jdbc;

import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.testkit.SemanticsSuite;
import java.time.Clock;

/**
 * The contract's semantics through the woven fixtures, on PostgreSQL with the runtime's clock: the suite's clock
 * moves leases and ttls without sleeping.
 */
class PostgresSemanticsTest extends SemanticsSuite {
    @Override
    protected IdempotencyStore newStore(Clock clock) {
        return Databases.store(Database.POSTGRESQL, clock);
    }
}
