package dev.idempotency.jdbc;

/** The store contract on MARIADB, with the runtime's clock (a test clock that moves without sleeping). */
class MariaDbRuntimeClockStoreTest extends DatabaseStoreSuite {
    MariaDbRuntimeClockStoreTest() {
        super(Database.MARIADB, true);
    }
}
