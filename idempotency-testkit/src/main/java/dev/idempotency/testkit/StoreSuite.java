package dev.idempotency.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.Outcome;
import dev.idempotency.spi.StoredRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The store SPI's contract, written once and run against every store: atomic claim-or-read, owner-checked
 * complete, release and renew, takeover after the lease, expiry after the ttl, namespaces and odd keys kept apart,
 * one winner among concurrent claims. It calls the {@link IdempotencyStore} directly, with no runtime and no weaving.
 *
 * <p>To run it against a store of your own, extend it in a JUnit 5 test class (JUnit Jupiter and AssertJ come with
 * this module) and say how to make a store and how to let time pass:
 * <pre>{@code
 * class AcmeStoreContractTest extends StoreSuite {
 *
 *     private final MutableClock clock = new MutableClock();
 *
 *     @Override
 *     protected IdempotencyStore newStore() {
 *         return new AcmeStore(clock);     // a new store for each test; the suite closes it afterwards
 *     }
 *
 *     @Override
 *     protected void elapse(Duration duration) {
 *         clock.advance(duration);         // the store keeps time by this clock: no sleeping
 *     }
 * }
 * }</pre>
 *
 * A store that keeps its own time (a server's clock) lets time pass by sleeping, with a short lease:
 * <pre>{@code
 * @Override
 * protected void elapse(Duration duration) {
 *     try {
 *         Thread.sleep(duration.toMillis());
 *     } catch (InterruptedException e) {
 *         Thread.currentThread().interrupt();
 *         throw new IllegalStateException(e);
 *     }
 * }
 *
 * @Override
 * protected Duration lease() {
 *     return Duration.ofMillis(500);
 * }
 * }</pre>
 *
 * <p>Each test uses a namespace of its own (random), so stores on a shared server need no cleaning between tests;
 * keys go up to 255 characters and include spaces, braces, colons and non-ASCII text. Each test has 60 seconds. A
 * subclass may add tests of its own, using {@link #store} and {@link #namespace}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class StoreSuite {

    /** The store under test: made by {@link #newStore()} before each test, closed after it. */
    protected IdempotencyStore store;
    /** The namespace of the current test, unique to it, e.g. {@code store-suite.AcmeStoreContractTest.<uuid>}. */
    protected String namespace;

    /**
     * A new store for one test. If it keeps time by a clock of the test, {@link #elapse} must move that clock.
     *
     * @return a new, open store; the suite closes it after the test
     */
    protected abstract IdempotencyStore newStore();

    /**
     * Lets time pass for the store: a test clock moves, a remote store is waited for. Leases and ttls that end within
     * the duration must have ended when this returns.
     *
     * @param duration how much time passes; a few multiples of {@link #lease()} at most
     */
    protected abstract void elapse(Duration duration);

    /**
     * A lease short enough to wait out; stores that keep real time use a few hundred milliseconds. The ttls of the
     * expiry test are multiples of it.
     *
     * @return the lease of the tests' claims; 30 seconds unless overridden
     */
    protected Duration lease() {
        return Duration.ofSeconds(30);
    }

    @BeforeEach
    void openStore() {
        store = newStore();
        namespace = "store-suite." + getClass().getSimpleName() + "." + UUID.randomUUID();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static String key() {
        return "k-" + UUID.randomUUID();
    }

    @Test
    void aFreeKeyIsClaimed() {
        String key = key();
        assertThat(store.read(namespace, key)).isNull();
        assertThat(store.claim(namespace, key, "owner-1", "fp-1", lease())).isInstanceOf(ClaimResult.Claimed.class);
        StoredRecord record = store.read(namespace, key);
        assertThat(record).isNotNull();
        assertThat(record.isCompleted()).isFalse();
        assertThat(record.owner()).isEqualTo("owner-1");
        assertThat(record.fingerprint()).isEqualTo("fp-1");
    }

    @Test
    void aClaimedKeyIsFoundInProgressAndNotChanged() {
        String key = key();
        store.claim(namespace, key, "owner-1", "fp-1", lease());
        ClaimResult second = store.claim(namespace, key, "owner-2", "fp-2", lease());
        assertThat(second).isInstanceOf(ClaimResult.Found.class);
        StoredRecord found = ((ClaimResult.Found) second).record();
        assertThat(found.owner()).isEqualTo("owner-1");
        assertThat(found.fingerprint()).isEqualTo("fp-1");
        assertThat(store.read(namespace, key).owner()).isEqualTo("owner-1");
    }

    @Test
    void theOwnerCompletesAndLaterClaimsFindTheOutcome() {
        String key = key();
        store.claim(namespace, key, "owner-1", "fp-1", lease());
        Outcome outcome = Outcome.value("{\"id\":\"tx-1\",\"amount\":12.50,\"note\":\"ünïcödé \\\" ' \\n\"}");
        assertThat(store.complete(namespace, key, "owner-1", outcome, Duration.ofHours(1))).isTrue();
        ClaimResult again = store.claim(namespace, key, "owner-2", "fp-1", lease());
        assertThat(again).isInstanceOf(ClaimResult.Found.class);
        StoredRecord record = ((ClaimResult.Found) again).record();
        assertThat(record.isCompleted()).isTrue();
        assertThat(record.outcome()).isEqualTo(outcome);
        assertThat(record.fingerprint()).isEqualTo("fp-1");
        assertThat(store.read(namespace, key)).isEqualTo(record);
    }

    @Test
    void exceptionAndEmptyOutcomesRoundTrip() {
        String key = key();
        store.claim(namespace, key, "o", "fp", lease());
        Outcome failure = Outcome.exception("com.acme.InsufficientFunds", "{\"message\":\"no\"}");
        assertThat(store.complete(namespace, key, "o", failure, Duration.ofHours(1))).isTrue();
        assertThat(store.read(namespace, key).outcome()).isEqualTo(failure);
        String voidKey = key();
        store.claim(namespace, voidKey, "o", "fp", lease());
        assertThat(store.complete(namespace, voidKey, "o", Outcome.value(""), Duration.ofHours(1))).isTrue();
        assertThat(store.read(namespace, voidKey).outcome()).isEqualTo(Outcome.value(""));
    }

    @Test
    void onlyTheOwnerCompletesReleasesOrRenews() {
        String key = key();
        store.claim(namespace, key, "owner-1", "fp", lease());
        assertThat(store.complete(namespace, key, "intruder", Outcome.value("1"), Duration.ofHours(1))).isFalse();
        assertThat(store.release(namespace, key, "intruder")).isFalse();
        assertThat(store.renew(namespace, key, "intruder", lease())).isFalse();
        assertThat(store.read(namespace, key).owner()).isEqualTo("owner-1");
        assertThat(store.release(namespace, key, "owner-1")).isTrue();
        assertThat(store.read(namespace, key)).isNull();
        assertThat(store.complete(namespace, key, "owner-1", Outcome.value("1"), Duration.ofHours(1)))
                .as("a released claim cannot be completed").isFalse();
        assertThat(store.read(namespace, key)).isNull();
    }

    @Test
    void aCompletedRecordCannotBeReleasedRenewedOrCompletedAgain() {
        String key = key();
        store.claim(namespace, key, "owner-1", "fp", lease());
        store.complete(namespace, key, "owner-1", Outcome.value("1"), Duration.ofHours(1));
        assertThat(store.release(namespace, key, "owner-1")).isFalse();
        assertThat(store.renew(namespace, key, "owner-1", lease())).isFalse();
        assertThat(store.complete(namespace, key, "owner-1", Outcome.value("2"), Duration.ofHours(1))).isFalse();
        assertThat(store.read(namespace, key).outcome()).isEqualTo(Outcome.value("1"));
    }

    @Test
    void aReleasedKeyCanBeClaimedAgain() {
        String key = key();
        store.claim(namespace, key, "owner-1", "fp", lease());
        store.release(namespace, key, "owner-1");
        assertThat(store.claim(namespace, key, "owner-2", "fp-2", lease())).isInstanceOf(ClaimResult.Claimed.class);
        assertThat(store.read(namespace, key).owner()).isEqualTo("owner-2");
    }

    @Test
    void anExpiredClaimIsTakenOverAndItsOldOwnerLosesIt() {
        String key = key();
        store.claim(namespace, key, "owner-1", "fp", lease());
        elapse(lease().plus(lease().dividedBy(2)));
        assertThat(store.claim(namespace, key, "owner-2", "fp", lease())).isInstanceOf(ClaimResult.Claimed.class);
        assertThat(store.complete(namespace, key, "owner-1", Outcome.value("\"old\""), Duration.ofHours(1))).isFalse();
        assertThat(store.release(namespace, key, "owner-1")).isFalse();
        assertThat(store.renew(namespace, key, "owner-1", lease())).isFalse();
        assertThat(store.complete(namespace, key, "owner-2", Outcome.value("\"new\""), Duration.ofHours(1))).isTrue();
        assertThat(store.read(namespace, key).outcome()).isEqualTo(Outcome.value("\"new\""));
    }

    @Test
    void aRenewedClaimOutlivesItsFirstLease() {
        String key = key();
        Duration lease = lease();
        store.claim(namespace, key, "owner-1", "fp", lease);
        elapse(lease.multipliedBy(2).dividedBy(3));
        assertThat(store.renew(namespace, key, "owner-1", lease)).isTrue();
        elapse(lease.multipliedBy(2).dividedBy(3));
        assertThat(store.claim(namespace, key, "owner-2", "fp", lease)).isInstanceOf(ClaimResult.Found.class);
        assertThat(store.complete(namespace, key, "owner-1", Outcome.value("1"), Duration.ofHours(1))).isTrue();
    }

    @Test
    void aCompletedRecordExpiresAfterItsTtl() {
        String key = key();
        store.claim(namespace, key, "owner-1", "fp", lease());
        Duration ttl = lease().multipliedBy(2);
        store.complete(namespace, key, "owner-1", Outcome.value("1"), ttl);
        elapse(lease());
        assertThat(store.read(namespace, key)).isNotNull();
        elapse(lease().multipliedBy(2));
        assertThat(store.read(namespace, key)).isNull();
        assertThat(store.claim(namespace, key, "owner-2", "fp", lease())).isInstanceOf(ClaimResult.Claimed.class);
    }

    @Test
    void namespacesAndOddKeysAreKeptApart() {
        String[] keys = {"a:b", "a", "a:b:c", "{tag}", "üñï cödé ✓", "key with spaces", "x".repeat(255), "*", "\\"};
        for (String k : keys) {
            assertThat(store.claim(namespace, k, "o-" + k, "fp", lease())).as(k).isInstanceOf(ClaimResult.Claimed.class);
            assertThat(store.claim(namespace + ":other", k, "o2-" + k, "fp", lease())).as(k)
                    .isInstanceOf(ClaimResult.Claimed.class);
        }
        for (String k : keys) {
            assertThat(store.read(namespace, k).owner()).isEqualTo("o-" + k);
            assertThat(store.read(namespace + ":other", k).owner()).isEqualTo("o2-" + k);
        }
    }

    @Test
    void concurrentClaimsOnOneKeyHaveOneWinner() throws Exception {
        int threads = 16;
        for (int round = 0; round < 20; round++) {
            String key = key();
            CyclicBarrier barrier = new CyclicBarrier(threads);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<ClaimResult>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    String owner = "owner-" + t;
                    results.add(pool.submit(() -> {
                        barrier.await(10, TimeUnit.SECONDS);
                        return store.claim(namespace, key, owner, "fp", lease());
                    }));
                }
                int winners = 0;
                for (Future<ClaimResult> f : results) {
                    if (f.get(30, TimeUnit.SECONDS) instanceof ClaimResult.Claimed) {
                        winners++;
                    }
                }
                assertThat(winners).as("round " + round).isEqualTo(1);
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
