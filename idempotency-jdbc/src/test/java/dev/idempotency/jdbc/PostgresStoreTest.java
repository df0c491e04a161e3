package dev.idempotency.jdbc;

/** The store contract on POSTGRESQL, with the database's clock (real time, a one-second lease). */
class PostgresStoreTest extends DatabaseStoreSuite {
    PostgresStoreTest() {
        super(Database.POSTGRESQL, false);
    }
}
