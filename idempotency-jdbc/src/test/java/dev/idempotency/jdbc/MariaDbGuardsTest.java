package dev.idempotency.jdbc;

/** The guards on MARIADB. */
class MariaDbGuardsTest extends GuardsSuite {
    MariaDbGuardsTest() {
        super(Database.MARIADB);
    }
}
