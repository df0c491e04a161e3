package dev.idempotency.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.IdempotencyInProgressException;
import dev.idempotency.IdempotencyKeyReuseException;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.core.IdempotencyRuntime;
import dev.idempotency.testkit.MutableClock;
import dev.idempotency.testkit.redis.RedisNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/**
 * The runtime's near cache on Redis, on a server of the test's own so that {@code INFO commandstats} counts only the
 * test's commands: a replay of a completed record that the runtime knows sends nothing at all; a record another
 * runtime completed costs one more round trip (the remaining-ttl script) the first time, then nothing. Everything
 * else is as without the cache: in progress is asked again, another payload is refused, entries end with the
 * record's ttl, the bound and the off switch hold, two runtimes on one Redis still run each key once.
 */
@RequiresRedis(servers = true)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RedisNearCacheTest {

    private static RedisNode node;
    private final List<IdempotencyRuntime> runtimes = new ArrayList<>();
    private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

    @BeforeAll
    static void startServer() {
        node = RedisNode.start(RedisNode.freePorts(7186, 1, false)[0]);
    }

    @AfterAll
    static void stopServer() {
        if (node != null) {
            node.close();
        }
    }

    @AfterEach
    void close() {
        runtimes.forEach(IdempotencyRuntime::close);
    }

    private IdempotencyRuntime runtime(UnaryOperator<IdempotencyConfig.Builder> settings) {
        IdempotencyRuntime runtime = IdempotencyRuntime.create(settings.apply(IdempotencyConfig.builder()
                .store(RedisStore.builder().standalone("127.0.0.1", node.port).build())).build());
        runtimes.add(runtime);
        // connect (HELLO, CLIENT SETINFO, SCRIPT LOAD) before anything is counted
        runtime.call("near.warm-up", "warm-up", String.class).run(() -> "warm");
        return runtime;
    }

    private IdempotencyRuntime runtime() {
        return runtime(b -> b);
    }

    private String echo(IdempotencyRuntime runtime, String key, String payload) {
        return runtime.call("near.echo", key, String.class).payload(payload)
                .run(() -> payload + "#" + runs.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet());
    }

    private String shortLived(IdempotencyRuntime runtime, String key, Duration ttl) {
        return runtime.call("near.short", key, String.class).ttl(ttl)
                .run(() -> "run " + runs.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet());
    }

    private static Map<String, Long> resetAndCount(Jedis admin, Runnable calls) {
        admin.configResetStat();
        calls.run();
        return RedisCommandCountTest.commandstats(admin);
    }

    private static String key(String name) {
        return name + ":" + System.nanoTime();
    }

    @Test
    void aReplayServedFromTheNearCacheSendsNoCommand() {
        IdempotencyRuntime runtime = runtime();
        String k = key("zero");
        try (Jedis admin = SharedRedis.jedis(node)) {
            assertThat(resetAndCount(admin, () -> echo(runtime, k, "v")))
                    .isEqualTo(Map.of("set", 2L, "evalsha", 1L, "get", 1L));
            assertThat(resetAndCount(admin, () -> {
                for (int i = 0; i < 100; i++) {
                    assertThat(echo(runtime, k, "v")).isEqualTo("v#1");
                }
            })).as("100 replays").isEmpty();
        }
        assertThat(runs.get(k)).hasValue(1);
    }

    @Test
    void aRecordAnotherRuntimeCompletedCostsOneMoreRoundTripOnceThenNone() {
        IdempotencyRuntime first = runtime();
        IdempotencyRuntime other = runtime();
        String k = key("other");
        echo(first, k, "v");
        try (Jedis admin = SharedRedis.jedis(node)) {
            assertThat(resetAndCount(admin, () -> assertThat(echo(other, k, "v")).isEqualTo("v#1")))
                    .as("a key's first replay here: SET (the claim, which returns the record), nothing more")
                    .isEqualTo(Map.of("set", 1L));
            assertThat(resetAndCount(admin, () -> assertThat(echo(other, k, "v")).isEqualTo("v#1")))
                    .as("its second: SET, then EVALSHA (GET and PTTL inside: its expiry), to keep it")
                    .isEqualTo(Map.of("set", 1L, "evalsha", 1L, "get", 1L, "pttl", 1L));
            assertThat(resetAndCount(admin, () -> assertThat(echo(other, k, "v")).isEqualTo("v#1"))).isEmpty();
        }
    }

    @Test
    void aRecordInProgressIsNeverKept() throws Exception {
        IdempotencyRuntime holder = runtime();
        IdempotencyRuntime other = runtime();
        String k = key("progress");
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<String> held = pool.submit(() -> holder.call("near.echo", k, String.class).payload("v").call(() -> {
                running.countDown();
                release.await();
                return "held";
            }));
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> echo(other, k, "v")).isInstanceOf(IdempotencyInProgressException.class);
            }
            release.countDown();
            assertThat(held.get(10, TimeUnit.SECONDS)).isEqualTo("held");
        } finally {
            pool.shutdownNow();
        }
        assertThat(echo(other, k, "v")).as("completed by the other runtime, seen here").isEqualTo("held");
        assertThat(runs.get(k)).isNull();
    }

    @Test
    void aDifferentPayloadIsRefusedFromTheCacheWithoutACommand() {
        IdempotencyRuntime runtime = runtime();
        String k = key("reuse");
        echo(runtime, k, "v");
        try (Jedis admin = SharedRedis.jedis(node)) {
            assertThat(resetAndCount(admin, () -> assertThatThrownBy(() -> echo(runtime, k, "other"))
                    .isInstanceOf(IdempotencyKeyReuseException.class))).isEmpty();
        }
    }

    @Test
    void anEntryEndsWithTheRecordsTtlOnTheRuntimesClock() {
        MutableClock clock = new MutableClock();
        IdempotencyRuntime runtime = runtime(b -> b.clock(clock));
        String k = key("ttl");
        shortLived(runtime, k, Duration.ofMinutes(10));
        try (Jedis admin = SharedRedis.jedis(node)) {
            clock.advance(Duration.ofMinutes(10).minusSeconds(1));
            assertThat(resetAndCount(admin, () -> shortLived(runtime, k, Duration.ofMinutes(10)))).isEmpty();
            clock.advance(Duration.ofSeconds(2));
            // Redis keeps its own time, in which the record is still there: the runtime reads it again, and on the
            // next replay asks when it expires
            assertThat(resetAndCount(admin, () -> shortLived(runtime, k, Duration.ofMinutes(10))))
                    .isEqualTo(Map.of("set", 1L));
            assertThat(resetAndCount(admin, () -> shortLived(runtime, k, Duration.ofMinutes(10))))
                    .containsEntry("set", 1L).containsEntry("pttl", 1L);
        }
    }

    @Test
    void anEntryOfARecordFoundInRedisEndsWhenRedisSaidItWould() {
        MutableClock clock = new MutableClock();
        IdempotencyRuntime writer = runtime();
        IdempotencyRuntime reader = runtime(b -> b.clock(clock));
        String k = key("pttl");
        shortLived(writer, k, Duration.ofMinutes(1));
        shortLived(reader, k, Duration.ofMinutes(10));
        shortLived(reader, k, Duration.ofMinutes(10)); // a key's second replay here keeps its record
        try (Jedis admin = SharedRedis.jedis(node)) {
            clock.advance(Duration.ofSeconds(55));
            assertThat(resetAndCount(admin, () -> shortLived(reader, k, Duration.ofMinutes(10)))).isEmpty();
            clock.advance(Duration.ofSeconds(6));
            assertThat(resetAndCount(admin, () -> shortLived(reader, k, Duration.ofMinutes(10))))
                    .as("the record's own ttl (1 minute), not the reader's (10)").containsEntry("set", 1L);
        }
    }

    @Test
    void zeroTurnsTheNearCacheOff() {
        IdempotencyRuntime runtime = runtime(b -> b.nearCacheMaxEntries(0));
        String k = key("off");
        echo(runtime, k, "v");
        try (Jedis admin = SharedRedis.jedis(node)) {
            assertThat(resetAndCount(admin, () -> echo(runtime, k, "v"))).isEqualTo(Map.of("set", 1L));
        }
    }

    @Test
    void theBoundIsKept() {
        IdempotencyRuntime runtime = runtime(b -> b.nearCacheMaxEntries(2));
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            keys.add(key("bound" + i));
            echo(runtime, keys.get(i), "v");
        }
        try (Jedis admin = SharedRedis.jedis(node)) {
            Map<String, Long> counts = resetAndCount(admin, () -> keys.forEach(k -> echo(runtime, k, "v")));
            assertThat(counts.getOrDefault("set", 0L)).as("at most 2 of 8 replays from the cache")
                    .isGreaterThanOrEqualTo(6L);
        }
    }

    @Test
    void twoRuntimesOnOneRedisStillRunEachKeyOnce() throws Exception {
        List<IdempotencyRuntime> both = List.of(runtime(), runtime());
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            keys.add(key("once" + i));
        }
        Map<String, String> answers = new ConcurrentHashMap<>();
        AtomicInteger disagreements = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                IdempotencyRuntime runtime = both.get(t % 2);
                List<String> mine = new ArrayList<>(keys);
                Collections.shuffle(mine);
                workers.add(pool.submit(() -> {
                    for (int round = 0; round < 3; round++) {
                        for (String k : mine) {
                            String answer = null;
                            while (answer == null) {
                                try {
                                    answer = echo(runtime, k, "v");
                                } catch (IdempotencyInProgressException busy) {
                                    Thread.onSpinWait();
                                }
                            }
                            String seen = answers.putIfAbsent(k, answer);
                            if (seen != null && !seen.equals(answer)) {
                                disagreements.incrementAndGet();
                            }
                        }
                    }
                }));
            }
            for (Future<?> w : workers) {
                w.get(1, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(disagreements).hasValue(0);
        for (String k : keys) {
            assertThat(runs.get(k)).as(k).hasValue(1);
        }
    }
}
