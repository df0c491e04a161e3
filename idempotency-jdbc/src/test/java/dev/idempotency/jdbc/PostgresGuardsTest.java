package dev.idempotency.jdbc;

/** The guards on POSTGRESQL. */
class PostgresGuardsTest extends GuardsSuite {
    PostgresGuardsTest() {
        super(Database.POSTGRESQL);
    }
}
