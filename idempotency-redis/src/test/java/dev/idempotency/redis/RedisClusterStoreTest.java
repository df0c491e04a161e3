package dev.idempotency.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.testkit.redis.RedisCluster;
import dev.idempotency.testkit.redis.RedisNode;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/** The store contract on a three-master Redis Cluster that the test starts on loopback ports. */
@RequiresRedis(servers = true)
class RedisClusterStoreTest extends RealTimeStoreSuite {

    private static RedisCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.start(7101);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected IdempotencyStore newStore() {
        return RedisStore.create(cluster.uri());
    }

    @Test
    void recordsSpreadOverTheMastersEachOnTheSlotOfItsHashTag() {
        RedisStore redis = (RedisStore) store;
        for (int i = 0; i < 60; i++) {
            store.claim(namespace, "spread-" + i, "o", "fp", Duration.ofMinutes(1));
        }
        for (RedisNode node : cluster.nodes) {
            try (Jedis jedis = SharedRedis.jedis(node)) {
                assertThat(jedis.dbSize()).as("keys on the master at " + node.port).isPositive();
            }
        }
        String key = redis.redisKey(namespace, "spread-0");
        String tag = key.substring(key.indexOf('{') + 1, key.indexOf('}'));
        try (Jedis jedis = SharedRedis.jedis(cluster.nodes.get(0))) {
            assertThat(jedis.clusterKeySlot(key)).isEqualTo(JedisClusterCRC16.getSlot(tag));
        }
        assertThat(redis.describe()).startsWith("redis(redis-cluster://127.0.0.1:");
    }
}
