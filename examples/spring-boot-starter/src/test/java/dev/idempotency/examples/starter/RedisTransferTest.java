package dev.idempotency.examples.starter;

import org.junit.jupiter.api.BeforeAll;
import org.springframework.boot.test.context.SpringBootTest;

/** {@code idempotency.store=redis}, built from {@code spring.data.redis.*}; the accounts stay in H2. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "idempotency.store=redis",
        "spring.data.redis.host=127.0.0.1",
        "spring.data.redis.port=6379"})
class RedisTransferTest extends TransferApiContract {

    @BeforeAll
    static void redis() {
        Services.require("Redis", "127.0.0.1", 6379, "start it (redis-server --port 6379) to run this test");
    }
}
