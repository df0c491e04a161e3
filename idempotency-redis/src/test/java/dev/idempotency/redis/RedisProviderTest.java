package dev.idempotency.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** The store chosen by URI: in code, and from {@code -Didempotency.store=…} (the child JVMs of CrossProcessTest too). */
@RequiresRedis
class RedisProviderTest {

    private static final String PREFIX = SharedRedis.prefix("provider");
    private final RedisTestService service = new RedisTestService();

    @AfterEach
    void reset() {
        Idempotency.reset();
    }

    @AfterAll
    static void deleteKeys() {
        SharedRedis.deleteKeys(PREFIX);
    }

    @Test
    void aStoreUriInCode() {
        Idempotency.configure(IdempotencyConfig.builder().storeUri(SharedRedis.URI + "?keyPrefix=" + PREFIX).build());
        assertThat(Idempotency.runtime().store()).isInstanceOf(RedisStore.class);
        assertThat(Idempotency.runtime().store().describe()).startsWith("redis(redis://127.0.0.1:6379, Redis ")
                .endsWith("keyPrefix '" + PREFIX + "')");
        String first = service.echo("in-code", "v");
        assertThat(service.echo("in-code", "v")).isEqualTo(first);
        assertThat(service.runs("in-code")).isEqualTo(1);
    }

    @Test
    void anApplicationsOwnClientIsUsedAndLeftOpen() {
        try (RedisClient client = RedisClient.create(RedisCheck.HOST, RedisCheck.PORT)) {
            RedisStore store = RedisStore.builder().client(client).keyPrefix(PREFIX).build();
            assertThat(store.describe()).startsWith("redis(application client RedisClient, Redis ");
            Idempotency.configure(IdempotencyConfig.builder().store(store).build());
            String first = service.echo("own-client", "v");
            assertThat(service.echo("own-client", "v")).isEqualTo(first);
            Idempotency.reset(); // closes the store
            assertThat(client.ping()).as("the application's client is still open").isEqualTo("PONG");
        }
    }

    @Test
    void theSystemProperty() {
        String previous = System.getProperty("idempotency.store");
        System.setProperty("idempotency.store", SharedRedis.URI + "?keyPrefix=" + PREFIX);
        try {
            Idempotency.reset();
            String first = service.echo("from-property", "v");
            assertThat(Idempotency.runtime().store()).isInstanceOf(RedisStore.class);
            assertThat(service.echo("from-property", "v")).isEqualTo(first);
            assertThat(service.runs("from-property")).isEqualTo(1);
        } finally {
            if (previous == null) {
                System.clearProperty("idempotency.store");
            } else {
                System.setProperty("idempotency.store", previous);
            }
        }
    }
}
