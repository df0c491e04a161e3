package dev.idempotency.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The store contract on one Redis server (the shared one at 127.0.0.1:6379), in real time. */
@RequiresRedis
class RedisStandaloneStoreTest extends RealTimeStoreSuite {

    private static final String PREFIX = SharedRedis.prefix("standalone");

    @Override
    protected IdempotencyStore newStore() {
        return SharedRedis.store(PREFIX);
    }

    @AfterAll
    static void deleteKeys() {
        SharedRedis.deleteKeys(PREFIX);
    }

    @Test
    void claimsUseSetNxGetOnRedisSevenAndEveryKeyHasAnExpiry() {
        RedisStore redis = (RedisStore) store;
        assertThat(redis.serverVersion()).isNotBlank();
        assertThat(redis.claimsBySetGet()).isEqualTo(RedisConnection.atLeast(redis.serverVersion(), 7, 0));
        store.claim(namespace, "k", "o", "fp", lease());
        try (var jedis = SharedRedis.jedis()) {
            long claimed = jedis.pttl(redis.redisKey(namespace, "k"));
            assertThat(claimed).isBetween(1L, lease().toMillis());
            store.complete(namespace, "k", "o", dev.idempotency.spi.Outcome.value("1"), Duration.ofMinutes(5));
            assertThat(jedis.pttl(redis.redisKey(namespace, "k"))).isBetween(Duration.ofMinutes(4).toMillis(),
                    Duration.ofMinutes(5).toMillis());
        }
        assertThat(store.claim(namespace, "k", "o2", "fp", lease())).isInstanceOf(ClaimResult.Found.class);
    }
}
