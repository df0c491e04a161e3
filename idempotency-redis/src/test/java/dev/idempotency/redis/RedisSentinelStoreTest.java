package dev.idempotency.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.spi.IdempotencyStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The store contract on a master found through three sentinels, all started by the test on loopback ports. */
@RequiresRedis(servers = true)
class RedisSentinelStoreTest extends RealTimeStoreSuite {

    private static RedisSentinels sentinels;

    @BeforeAll
    static void startSentinels() {
        sentinels = RedisSentinels.start(7111, 26401);
    }

    @AfterAll
    static void stopSentinels() {
        if (sentinels != null) {
            sentinels.close();
        }
    }

    @Override
    protected IdempotencyStore newStore() {
        return RedisStore.create(sentinels.uri());
    }

    @Test
    void recordsAreWrittenToTheMasterTheSentinelsName() {
        store.claim(namespace, "k", "o", "fp", lease());
        try (var jedis = SharedRedis.jedis(sentinels.master)) {
            assertThat(jedis.exists(((RedisStore) store).redisKey(namespace, "k"))).isTrue();
        }
        assertThat(store.describe()).contains("redis-sentinel://127.0.0.1:").contains("/" + RedisSentinels.MASTER_NAME);
    }
}
