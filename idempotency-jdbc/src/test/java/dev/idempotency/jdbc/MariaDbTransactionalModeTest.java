package dev.idempotency.jdbc;

/** Transactional mode with plain JDBC on MariaDB. */
class MariaDbTransactionalModeTest extends TransactionalModeSuite {
    MariaDbTransactionalModeTest() {
        super(Database.MARIADB);
    }
}
