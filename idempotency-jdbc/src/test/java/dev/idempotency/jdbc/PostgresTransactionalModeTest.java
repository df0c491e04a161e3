package dev.idempotency.jdbc;

/** Transactional mode with plain JDBC on PostgreSQL. */
class PostgresTransactionalModeTest extends TransactionalModeSuite {
    PostgresTransactionalModeTest() {
        super(Database.POSTGRESQL);
    }
}
