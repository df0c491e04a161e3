package dev.idempotency.jdbc;

/** The store contract on H2, with the runtime's clock (a test clock that moves without sleeping). */
class H2RuntimeClockStoreTest extends DatabaseStoreSuite {
    H2RuntimeClockStoreTest() {
        super(Database.H2, true);
    }
}
