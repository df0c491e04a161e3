package dev.idempotency.jdbc;

/** Waiting duplicates inside transactions on PostgreSQL. */
class PostgresTransactionalWaitersTest extends TransactionalWaitersSuite {
    PostgresTransactionalWaitersTest() {
        super(Database.POSTGRESQL);
    }
}
