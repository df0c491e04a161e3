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
        String first = service.echo("in-code", "v");
        assertThat(service.echo("in-code", "v")).isEqualTo(first);
        assertThat(service.runs("in-code")).isEqualTo(1);
        assertThat(inRedis("in-code")).as("the record is in Redis, under the URI's prefix").isTrue();
    }

    @Test
    void describeNamesTheServerWithoutConnectingAndItsVersionOnceConnected() {
        try (RedisStore store = RedisStore.create(SharedRedis.URI + "?keyPrefix=" + PREFIX)) {
            assertThat(store.describe()).isEqualTo("redis(redis://127.0.0.1:6379, not connected yet, keyPrefix '"
                    + PREFIX + "')");
            store.read("provider", "nothing");
            assertThat(store.describe()).startsWith("redis(redis://127.0.0.1:6379, Redis ")
                    .endsWith("keyPrefix '" + PREFIX + "')");
        }
    }

    /** Whether the key's record is in the shared Redis under the prefix: the URI's store served the call. */
    private static boolean inRedis(String key) {
        try (RedisStore layout = RedisStore.create(SharedRedis.URI + "?keyPrefix=" + PREFIX);
                var jedis = SharedRedis.jedis()) {
            return jedis.exists(layout.redisKey(RedisTestService.NAMESPACE, key));
        }
    }

    @Test
    void anApplicationsOwnClientIsUsedAndLeftOpen() {
        try (RedisClient client = RedisClient.create(RedisCheck.HOST, RedisCheck.PORT)) {
            RedisStore store = RedisStore.builder().client(client).keyPrefix(PREFIX).build();
            assertThat(store.describe()).startsWith("redis(application client RedisClient, not connected yet");
            Idempotency.configure(IdempotencyConfig.builder().store(store).build());
            String first = service.echo("own-client", "v");
            assertThat(store.describe()).startsWith("redis(application client RedisClient, Redis ");
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
            assertThat(service.echo("from-property", "v")).isEqualTo(first);
            assertThat(service.runs("from-property")).isEqualTo(1);
            assertThat(inRedis("from-property")).as("the record is in Redis, under the URI's prefix").isTrue();
        } finally {
            if (previous == null) {
                System.clearProperty("idempotency.store");
            } else {
                System.setProperty("idempotency.store", previous);
            }
        }
    }
}
