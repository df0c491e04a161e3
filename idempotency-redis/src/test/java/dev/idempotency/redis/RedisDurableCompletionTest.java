package dev.idempotency.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.Outcome;
import dev.idempotency.testkit.redis.RedisCluster;
import dev.idempotency.testkit.redis.RedisNode;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/**
 * {@code durableCompletion}: a completed record is on the replica by the time {@code complete} returns; with the
 * replica gone, the record is still written on the master and the shortfall is counted, after the timeout.
 */
@RequiresRedis(servers = true)
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class RedisDurableCompletionTest {

    private RedisNode master;
    private RedisNode replica;

    @BeforeEach
    void start() {
        int[] ports = RedisNode.freePorts(7176, 2, false);
        master = RedisNode.start(ports[0]);
        replica = RedisNode.start(ports[1], "--replicaof", "127.0.0.1", String.valueOf(ports[0]));
        RedisNode.await("the replica to sync", Duration.ofSeconds(30), () -> {
            try (Jedis jedis = SharedRedis.jedis(replica)) {
                return jedis.info("replication").contains("master_link_status:up");
            }
        });
    }

    @AfterEach
    void stop() {
        replica.close();
        master.close();
    }

    @Test
    void aCompletedRecordIsOnTheReplicaWhenCompleteReturns() {
        try (RedisStore store = RedisStore.create("redis://127.0.0.1:" + master.port
                + "?durableCompletion=1&durableCompletionTimeout=2s&socketTimeout=5s")) {
            for (int i = 0; i < 50; i++) {
                String key = "durable-" + i;
                assertThat(store.claim("ns", key, "owner-" + i, "fp", Duration.ofSeconds(30)))
                        .isEqualTo(ClaimResult.CLAIMED);
                assertThat(store.complete("ns", key, "owner-" + i, Outcome.value("\"v" + i + "\""),
                        Duration.ofMinutes(5))).isTrue();
                try (Jedis onReplica = SharedRedis.jedis(replica)) {
                    assertThat(onReplica.get(store.redisKey("ns", key))).as("on the replica at once")
                            .startsWith("v1:C");
                }
            }
            assertThat(store.complete("ns", "durable-0", "owner-0", Outcome.value("\"again\""), Duration.ofMinutes(5)))
                    .as("not the caller's claim any more").isFalse();
            assertThat(store.completionsShortOfReplicas()).isZero();
        }
    }

    @Test
    void withTheReplicaGoneTheRecordIsKeptOnTheMasterAndTheShortfallCounted() {
        try (RedisStore store = RedisStore.builder().standalone("127.0.0.1", master.port).durableCompletion(1)
                .durableCompletionTimeout(Duration.ofMillis(300)).build()) {
            replica.kill();
            assertThat(store.claim("ns", "alone", "owner", "fp", Duration.ofSeconds(30))).isEqualTo(ClaimResult.CLAIMED);
            long start = System.nanoTime();
            assertThat(store.complete("ns", "alone", "owner", Outcome.value("1"), Duration.ofMinutes(5))).isTrue();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(millis).as("waited for the replica up to the timeout").isGreaterThanOrEqualTo(250);
            assertThat(store.read("ns", "alone").isCompleted()).isTrue();
            assertThat(store.completionsShortOfReplicas()).isEqualTo(1);
        }
    }

    @Test
    void onAClusterTheWaitGoesToTheKeysMasterOnTheConnectionOfTheWrite() {
        try (RedisCluster cluster = RedisCluster.start(7191);
                RedisStore store = RedisStore.create(cluster.uri()
                        + "?durableCompletion=1&durableCompletionTimeout=100ms")) {
            // masters without replicas: every completion is recorded, and short of its replica
            for (int i = 0; i < 6; i++) {
                String key = "cluster-" + i;
                assertThat(store.claim("ns", key, "o", "fp", Duration.ofSeconds(30)))
                        .isEqualTo(ClaimResult.CLAIMED);
                assertThat(store.complete("ns", key, "o", Outcome.value("1"), Duration.ofMinutes(5))).isTrue();
                assertThat(store.read("ns", key).isCompleted()).isTrue();
            }
            assertThat(store.completionsShortOfReplicas()).isEqualTo(6);
        }
    }

    @Test
    void badSettingsAreRefusedWithTheirValue() {
        assertThatThrownBy(() -> RedisStore.builder().durableCompletion(-1))
                .isInstanceOf(IdempotencyConfigurationException.class).hasMessageContaining("but was -1");
        assertThatThrownBy(() -> RedisStore.builder().standalone("127.0.0.1", master.port).durableCompletion(1)
                .durableCompletionTimeout(Duration.ofSeconds(3)).build())
                .isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageContaining("durableCompletionTimeout (PT3S) must be shorter than socketTimeout (PT2S)");
        assertThatThrownBy(() -> RedisStore.create("redis://127.0.0.1:" + master.port + "?durableCompletion=x"))
                .hasMessageContaining("durableCompletion");
    }
}
