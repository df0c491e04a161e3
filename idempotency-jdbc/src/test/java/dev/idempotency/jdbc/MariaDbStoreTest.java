package dev.idempotency.jdbc;

/** The store contract on MARIADB, with the database's clock (real time, a one-second lease). */
class MariaDbStoreTest extends DatabaseStoreSuite {
    MariaDbStoreTest() {
        super(Database.MARIADB, false);
    }
}
