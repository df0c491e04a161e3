package dev.idempotency.jdbc;

/** The store contract on POSTGRESQL, with the runtime's clock (a test clock that moves without sleeping). */
class PostgresRuntimeClockStoreTest extends DatabaseStoreSuite {
    PostgresRuntimeClockStoreTest() {
        super(Database.POSTGRESQL, true);
    }
}
