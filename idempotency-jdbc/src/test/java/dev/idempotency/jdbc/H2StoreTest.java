package dev.idempotency.jdbc;

/** The store contract on H2, with the database's clock (real time, a one-second lease). */
class H2StoreTest extends DatabaseStoreSuite {
    H2StoreTest() {
        super(Database.H2, false);
    }
}
