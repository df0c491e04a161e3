package dev.idempotency.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.IdempotencyInProgressException;
import dev.idempotency.IdempotencyKeyReuseException;
import dev.idempotency.OnInProgress;
import dev.idempotency.memory.MemoryStore;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.ForwardingIdempotencyStore;
import dev.idempotency.spi.StoredRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Calls of one runtime waiting for a key that another of its calls holds do not each ask the store: with a store
 * outside the process, the store's connections stay free for the holder, which must renew and complete.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SharedWaitsTest {

    /** The in-memory store as if it were remote: results encoded, every claim and read counted. */
    static final class Remote extends ForwardingIdempotencyStore {
        final AtomicInteger claims = new AtomicInteger();
        final AtomicInteger reads = new AtomicInteger();

        Remote() {
            super(new MemoryStore(Clock.systemUTC(), 1_000));
        }

        @Override
        public ClaimResult claim(String namespace, String key, String owner, String fingerprint, Duration lease) {
            claims.incrementAndGet();
            return super.claim(namespace, key, owner, fingerprint, lease);
        }

        @Override
        public StoredRecord read(String namespace, String key) {
            reads.incrementAndGet();
            return super.read(namespace, key);
        }

        @Override
        public boolean inProcess() {
            return false;
        }
    }

    @Test
    void fiftyWaitersOfAHeldKeyCostTheStoreAboutOneClaimEachNotAPollEvery25ms() throws Exception {
        Remote store = new Remote();
        CountDownLatch allWaiting = new CountDownLatch(50);
        try (IdempotencyRuntime runtime = IdempotencyRuntime.create(IdempotencyConfig.builder().store(store)
                .listener(e -> {
                    if (e.type() == IdempotencyEvent.Type.WAITING) {
                        allWaiting.countDown();
                    }
                }).build())) {
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger runs = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(51);
            Future<String> holder = pool.submit(() -> runtime.call("shared", "k", String.class).payload("p")
                    .call(() -> {
                        runs.incrementAndGet();
                        holding.countDown();
                        release.await();
                        return "result";
                    }));
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
            List<Future<String>> waiters = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                waiters.add(pool.submit(() -> runtime.call("shared", "k", String.class).payload("p")
                        .onInProgress(OnInProgress.WAIT).call(() -> "ran again " + runs.incrementAndGet())));
            }
            assertThat(allWaiting.await(10, TimeUnit.SECONDS)).as("all 50 wait").isTrue();
            // the waiters wait on the holder, not on the store: nothing to ask it while it runs
            assertThatThrownBy(() -> runtime.call("shared", "k", String.class).payload("other").run(() -> "x"))
                    .as("a different payload is refused from what this runtime knows").isInstanceOf(IdempotencyKeyReuseException.class);
            assertThatThrownBy(() -> runtime.call("shared", "k", String.class).payload("p").run(() -> "x"))
                    .isInstanceOf(IdempotencyInProgressException.class);
            int claimsWhileHeld = store.claims.get();
            int readsWhileHeld = store.reads.get();
            release.countDown();
            assertThat(holder.get(10, TimeUnit.SECONDS)).isEqualTo("result");
            Set<String> results = ConcurrentHashMap.newKeySet();
            for (Future<String> waiter : waiters) {
                results.add(waiter.get(10, TimeUnit.SECONDS));
            }
            pool.shutdown();
            assertThat(results).containsExactly("result");
            assertThat(runs).hasValue(1);
            assertThat(claimsWhileHeld).as("waiters that came after the holder claimed asked the store nothing")
                    .isEqualTo(1);
            assertThat(readsWhileHeld).isZero();
            assertThat(store.claims.get()).as("after the holder: at most one claim per waiter").isLessThanOrEqualTo(51);
        }
    }
}
