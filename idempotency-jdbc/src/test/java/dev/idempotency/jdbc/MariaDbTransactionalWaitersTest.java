package dev.idempotency.jdbc;

/** Waiting duplicates inside transactions on MariaDB. */
class MariaDbTransactionalWaitersTest extends TransactionalWaitersSuite {
    MariaDbTransactionalWaitersTest() {
        super(Database.MARIADB);
    }
}
