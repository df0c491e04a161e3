package dev.idempotency.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.IdempotencyInProgressException;
import dev.idempotency.IdempotencyStoreException;
import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.core.IdempotencyEvent;
import dev.idempotency.testkit.redis.RedisNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Redis of the test's own stopped in the middle of a run and started again: calls fail closed while it is away,
 * nothing runs twice, and the same store serves again once it is back.
 */
@RequiresRedis(servers = true)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RedisRestartTest {

    private RedisNode node;
    private RedisStore store;
    private final RedisTestService service = new RedisTestService();
    private final List<IdempotencyEvent> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        node = RedisNode.start(RedisNode.freePorts(7121, 1, false)[0]);
        store = RedisStore.builder().standalone("127.0.0.1", node.port).connectTimeout(Duration.ofMillis(300))
                .socketTimeout(Duration.ofMillis(500)).build();
    }

    @AfterEach
    void stop() {
        Idempotency.reset();
        store.close();
        node.close();
    }

    @Test
    void stoppedMidRunCallsFailClosedNothingRunsTwiceAndTheSameStoreResumes() throws Exception {
        Idempotency.configure(IdempotencyConfig.builder().store(store).listener(events::add).build());
        Map<String, String> before = new HashMap<>();
        for (int i = 0; i < 20; i++) {
            before.put("before-" + i, service.echo("before-" + i, "v"));
        }
        // one caller keeps going through fresh keys, retrying each until it succeeds, while the server goes away
        AtomicInteger storeErrors = new AtomicInteger();
        List<String> stuck = new CopyOnWriteArrayList<>();
        List<Throwable> unexpected = new CopyOnWriteArrayList<>();
        AtomicInteger done = new AtomicInteger();
        ExecutorService caller = Executors.newSingleThreadExecutor();
        Future<?> run = caller.submit(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            for (int i = 0; i < 400 && System.nanoTime() < deadline; i++) {
                String key = "during-" + i;
                while (System.nanoTime() < deadline) {
                    try {
                        service.echo(key, "v");
                        done.incrementAndGet();
                        break;
                    } catch (IdempotencyStoreException e) {
                        storeErrors.incrementAndGet();
                        if (!e.getMessage().contains("127.0.0.1:" + node.port)) {
                            unexpected.add(e);
                        }
                        sleep(20);
                    } catch (IdempotencyInProgressException e) {
                        // its claim reached the server, but the call did not learn it, or its completion was lost:
                        // the key waits for its lease (30 s) to end, and nothing runs it meanwhile
                        stuck.add(key);
                        break;
                    } catch (RuntimeException e) {
                        unexpected.add(e);
                        break;
                    }
                }
                sleep(5);
            }
        });
        RedisNode.await("some calls before the stop", Duration.ofSeconds(10), () -> done.get() >= 30);
        node.shutdownSave(); // a clean stop that keeps the data, as a Redis with persistence would
        int doneAtStop = done.get();
        sleep(1_000);
        assertThat(done.get()).as("no call succeeded while the server was away").isLessThanOrEqualTo(doneAtStop + 1);
        assertThat(storeErrors.get()).as("calls failed closed while the server was away").isPositive();
        node.restart();
        run.get(60, TimeUnit.SECONDS);
        caller.shutdownNow();

        assertThat(unexpected).isEmpty();
        assertThat(done.get() + stuck.size()).as("every key was served or is held").isEqualTo(400);
        assertThat(stuck).as("at most the one call in flight at the stop").hasSizeLessThanOrEqualTo(1);
        for (int i = 0; i < 400; i++) {
            assertThat(service.runs("during-" + i)).as("during-" + i).isLessThanOrEqualTo(1);
        }
        // records written before the stop are replayed by the same store, which reconnected by itself
        for (Map.Entry<String, String> e : before.entrySet()) {
            assertThat(service.echo(e.getKey(), "v")).isEqualTo(e.getValue());
            assertThat(service.runs(e.getKey())).isEqualTo(1);
        }
        assertThat(events.stream().map(IdempotencyEvent::type)).contains(IdempotencyEvent.Type.STORE_ERROR);
        System.out.println("restart: " + storeErrors.get() + " calls failed closed, " + stuck.size() + " key(s) held");
    }

    @Test
    void failOpenRunsWithoutDeduplicationWhileRedisIsDownAndDeduplicatesAgainOnceItIsBack() {
        Idempotency.configure(IdempotencyConfig.builder().store(store).failOpen(true).listener(events::add).build());
        assertThat(service.echo("open-1", "v")).contains("#1");
        assertThat(service.echo("open-1", "v")).as("deduplicated while up").contains("#1");
        node.kill();
        assertThat(service.echo("open-2", "v")).contains("#1");
        assertThat(service.echo("open-2", "v")).as("no deduplication while down").contains("#2");
        assertThat(events.stream().map(IdempotencyEvent::type)).contains(IdempotencyEvent.Type.STORE_ERROR);
        node.restart(); // without persistence: an empty server
        List<String> results = new ArrayList<>();
        RedisNode.await("the store to serve again", Duration.ofSeconds(10), () -> {
            results.add(service.echo("open-3", "v"));
            return store.read(RedisTestService.NAMESPACE, "open-3") != null;
        });
        int runs = service.runs("open-3");
        String last = service.echo("open-3", "v");
        assertThat(service.echo("open-3", "v")).as("deduplicated again").isEqualTo(last);
        assertThat(service.runs("open-3")).isEqualTo(runs);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
