package dev.idempotency.jdbc;

import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.testkit.SemanticsSuite;
import java.time.Clock;

/** The contract's semantics through the woven fixtures, on H2 with the runtime's clock. */
class H2SemanticsTest extends SemanticsSuite {
    @Override
    protected IdempotencyStore newStore(Clock clock) {
        return Databases.store(Database.H2, clock);
    }
}
