package dev.idempotency.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.IdempotencyInProgressException;
import dev.idempotency.IdempotencyStoreException;
import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.testkit.redis.RedisNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The master behind Sentinel is killed ({@code kill -9}) while four callers run: calls fail with
 * {@link IdempotencyStoreException} or succeed, no key runs twice, and the same store serves again once the sentinels
 * have promoted the replica. Closing the store leaves no thread of it behind.
 */
@RequiresRedis(servers = true)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RedisSentinelFailoverTest {

    @Test
    void killingTheMasterMidRunFailsCallsClosedNeverRunsAKeyTwiceAndResumesAfterFailover() throws Exception {
        Set<String> threadsBefore = threadNames();
        RedisTestService service = new RedisTestService();
        try (RedisSentinels env = RedisSentinels.start(7116, 26406)) {
            RedisStore store = RedisStore.builder().uri(env.uri()).connectTimeout(Duration.ofMillis(300))
                    .socketTimeout(Duration.ofMillis(500)).build();
            Idempotency.configure(IdempotencyConfig.builder().store(store).build());
            int oldMaster = env.master.port;

            Map<String, String> firstResults = new ConcurrentHashMap<>();
            List<Throwable> unexpected = new CopyOnWriteArrayList<>();
            AtomicInteger storeErrors = new AtomicInteger();
            AtomicInteger held = new AtomicInteger();
            AtomicInteger successes = new AtomicInteger();
            AtomicLong killedAt = new AtomicLong();
            AtomicInteger successesAfterFailover = new AtomicInteger();
            AtomicLong failedOverAt = new AtomicLong();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            ExecutorService callers = Executors.newFixedThreadPool(4);
            try {
                for (int t = 0; t < 4; t++) {
                    int caller = t;
                    callers.submit(() -> {
                        for (int i = 0; System.nanoTime() < deadline && successesAfterFailover.get() < 400; i++) {
                            String key = "c" + caller + "-" + i;
                            for (int attempt = 0; attempt < 2; attempt++) { // a first call, then a replay
                                try {
                                    String result = service.echo(key, "v");
                                    String first = firstResults.putIfAbsent(key, result);
                                    if (first != null && !first.equals(result)) {
                                        unexpected.add(new AssertionError(key + " replayed " + result + ", not " + first));
                                    }
                                    successes.incrementAndGet();
                                    if (failedOverAt.get() != 0) {
                                        successesAfterFailover.incrementAndGet();
                                    }
                                } catch (IdempotencyStoreException e) {
                                    storeErrors.incrementAndGet();
                                    pause(20);
                                } catch (IdempotencyInProgressException e) {
                                    held.incrementAndGet(); // a claim whose completion was lost with the master
                                } catch (RuntimeException | Error e) {
                                    unexpected.add(e);
                                }
                            }
                        }
                    });
                }
                RedisNode.await("calls before the kill", Duration.ofSeconds(20), () -> successes.get() > 200);
                env.master.kill();
                killedAt.set(System.nanoTime());
                RedisNode.await("the sentinels to promote the replica", Duration.ofSeconds(30),
                        () -> env.reportedMasterPort() == env.replica.port);
                failedOverAt.set(System.nanoTime());
                RedisNode.await("calls to succeed again on the new master", Duration.ofSeconds(30),
                        () -> successesAfterFailover.get() >= 400);
            } finally {
                callers.shutdown();
                assertThat(callers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            }
            long failoverMillis = TimeUnit.NANOSECONDS.toMillis(failedOverAt.get() - killedAt.get());

            assertThat(unexpected).isEmpty();
            assertThat(storeErrors.get()).as("calls failed closed while there was no master").isPositive();
            Map<String, Integer> twice = firstResults.keySet().stream().filter(k -> service.runs(k) > 1)
                    .collect(Collectors.toMap(k -> k, service::runs));
            assertThat(twice).as("keys that ran more than once").isEmpty();
            assertThat(service.totalRuns()).as("runs").isLessThanOrEqualTo(firstResults.size() + held.get());
            assertThat(env.reportedMasterPort()).isNotEqualTo(oldMaster);
            assertThat(store.describe()).contains(RedisSentinels.MASTER_NAME);
            System.out.println("sentinel failover: " + successes.get() + " calls succeeded, " + storeErrors.get()
                    + " failed closed, " + held.get() + " found a held claim; promoted " + failoverMillis
                    + " ms after the kill");
            Idempotency.reset(); // closes the runtime and the store with it
        }
        Set<String> left = Set.of();
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); System.nanoTime() < end; pause(50)) {
            left = threadNames();
            left.removeAll(threadsBefore);
            left.remove("process reaper"); // the JDK's, for the redis-server processes of this test
            if (left.isEmpty()) {
                break;
            }
        }
        assertThat(left).as("threads started while the store was open and still alive after close").isEmpty();
    }

    private static Set<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .collect(Collectors.toCollection(java.util.HashSet::new));
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
