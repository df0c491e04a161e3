package dev.idempotency.examples.starter;

import org.junit.jupiter.api.BeforeAll;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * PostgreSQL through {@code spring.datasource.*}: the transfer and its idempotency record commit in one
 * {@code @Transactional} transaction, so concurrent duplicates queue on the record's row and replay the first one.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/test",
        "spring.datasource.username=postgres",
        "spring.datasource.hikari.maximum-pool-size=24",
        "idempotency.jdbc.table=starter_idempotency_records"})
class PostgresTransferTest extends TransferApiContract {

    @BeforeAll
    static void postgres() {
        Services.require("PostgreSQL", "127.0.0.1", 5432,
                "start it (trust authentication, database test, user postgres) to run this test");
    }
}
