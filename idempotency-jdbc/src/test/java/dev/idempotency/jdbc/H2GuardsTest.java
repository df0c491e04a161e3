package dev.idempotency.jdbc;

/** The guards on H2. */
class H2GuardsTest extends GuardsSuite {
    H2GuardsTest() {
        super(Database.H2);
    }
}
