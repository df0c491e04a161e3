package dev.idempotency.examples.starter;

import org.springframework.boot.test.context.SpringBootTest;

/** The application as it starts by default: H2 in memory, the records in its transactions. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class H2TransferTest extends TransferApiContract {
}
