package dev.idempotency.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.IdempotencyInProgressException;
import dev.idempotency.IdempotencyKeyReuseException;
import dev.idempotency.IdempotencyStoreException;
import dev.idempotency.memory.MemoryStore;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.ForwardingIdempotencyStore;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.Outcome;
import dev.idempotency.spi.StoredRecord;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The near cache of a runtime on a remote store, here the in-memory store seen through a wrapper that says it is not
 * in the process (so results are encoded) and counts what reaches it: replays of completed records ask the store
 * nothing, and everything else (in progress, another payload, expiry, the off switch, the bound, tampered records,
 * mutable results) behaves as without it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NearCacheTest {

    /** A result type that nobody can change: replays may share one instance. */
    record Money(String currency, BigDecimal amount) {
    }

    static final class Declined extends RuntimeException {
        Declined(String message) {
            super(message);
        }
    }

    /** The in-memory store as if it were remote; tells its records' remaining ttl when asked, as Redis does. */
    static final class Remote extends ForwardingIdempotencyStore {
        final AtomicInteger claims = new AtomicInteger();
        final AtomicInteger asked = new AtomicInteger();
        /** What {@link #remainingTtl} answers; null: the store cannot tell. */
        volatile Duration remaining = Duration.ofHours(1);
        volatile UnaryOperator<StoredRecord> tamper = r -> r;

        Remote(IdempotencyStore shared) {
            super(shared);
        }

        @Override
        public ClaimResult claim(String namespace, String key, String owner, String fingerprint, Duration lease) {
            claims.incrementAndGet();
            ClaimResult result = super.claim(namespace, key, owner, fingerprint, lease);
            return result instanceof ClaimResult.Found found && found.record().isCompleted()
                    ? ClaimResult.found(tamper.apply(found.record())) : result;
        }

        @Override
        public Duration remainingTtl(String namespace, String key, StoredRecord record) {
            asked.incrementAndGet();
            return remaining;
        }

        @Override
        public boolean inProcess() {
            return false;
        }

        @Override
        public void close() {
            // the shared store outlives each runtime
        }
    }

    static final class TestClock extends Clock {
        final AtomicLong millis = new AtomicLong(Instant.parse("2026-06-01T00:00:00Z").toEpochMilli());

        void advance(Duration d) {
            millis.addAndGet(d.toMillis());
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    private final TestClock clock = new TestClock();
    private final MemoryStore shared = new MemoryStore(clock, 10_000);
    private final List<IdempotencyRuntime> runtimes = new ArrayList<>();
    private final AtomicInteger runs = new AtomicInteger();

    @AfterEach
    void close() {
        runtimes.forEach(IdempotencyRuntime::close);
        shared.close();
    }

    private IdempotencyRuntime runtime(Remote store, UnaryOperator<IdempotencyConfig.Builder> settings) {
        IdempotencyRuntime runtime = IdempotencyRuntime.create(settings.apply(IdempotencyConfig.builder().store(store)
                .clock(clock)).build());
        runtimes.add(runtime);
        return runtime;
    }

    private IdempotencyRuntime runtime(Remote store) {
        return runtime(store, b -> b);
    }

    private String text(IdempotencyRuntime runtime, String key, String payload) {
        return runtime.call("near", key, String.class).payload(payload).run(() -> "ran " + runs.incrementAndGet());
    }

    private String shortLived(IdempotencyRuntime runtime, String key) {
        return runtime.call("near.short", key, String.class).ttl(Duration.ofMinutes(10))
                .run(() -> "ran " + runs.incrementAndGet());
    }

    @Test
    void aReplayOfWhatThisRuntimeCompletedAsksTheStoreNothing() {
        Remote store = new Remote(shared);
        IdempotencyRuntime runtime = runtime(store);
        assertThat(text(runtime, "k", "p")).isEqualTo("ran 1");
        for (int i = 0; i < 5; i++) {
            assertThat(text(runtime, "k", "p")).isEqualTo("ran 1");
        }
        assertThat(store.claims).hasValue(1);
        assertThat(store.asked).as("this runtime knows the ttl it recorded with").hasValue(0);
        assertThat(runs).hasValue(1);
    }

    @Test
    void aRecordFoundInTheStoreIsKeptOnlyWhenTheStoreTellsItsExpiry() {
        Remote a = new Remote(shared);
        Remote b = new Remote(shared);
        text(runtime(a), "k", "p");
        IdempotencyRuntime other = runtime(b);
        assertThat(text(other, "k", "p")).isEqualTo("ran 1");
        assertThat(b.asked).as("a key's first replay here costs no more than the store's answer").hasValue(0);
        assertThat(text(other, "k", "p")).isEqualTo("ran 1");
        assertThat(b.asked).as("its second asks when the record expires").hasValue(1);
        assertThat(text(other, "k", "p")).isEqualTo("ran 1");
        assertThat(text(other, "k", "p")).isEqualTo("ran 1");
        assertThat(b.claims).as("the first two replays read the store, the others the near cache").hasValue(2);
        assertThat(b.asked).hasValue(1);

        Remote c = new Remote(shared);
        c.remaining = null;
        IdempotencyRuntime blind = runtime(c);
        text(blind, "k", "p");
        text(blind, "k", "p");
        text(blind, "k", "p");
        assertThat(c.claims).as("a record without a known expiry is not kept").hasValue(3);
        assertThat(runs).hasValue(1);
    }

    @Test
    void aRecordInProgressIsNeverKept() throws Exception {
        Remote a = new Remote(shared);
        Remote b = new Remote(shared);
        IdempotencyRuntime holder = runtime(a);
        IdempotencyRuntime other = runtime(b);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<String> first = pool.submit(() -> holder.call("near", "k", String.class).payload("p").call(() -> {
                running.countDown();
                release.await();
                return "held";
            }));
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> text(other, "k", "p")).isInstanceOf(IdempotencyInProgressException.class);
            }
            release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("held");
        } finally {
            pool.shutdownNow();
        }
        assertThat(text(other, "k", "p")).as("completed in the other runtime, seen here").isEqualTo("held");
        assertThat(b.claims).hasValue(4);
        assertThat(runs).hasValue(0);
    }

    @Test
    void aDifferentPayloadIsRefusedFromTheCache() {
        Remote store = new Remote(shared);
        List<IdempotencyEvent.Type> events = new ArrayList<>();
        IdempotencyRuntime runtime = runtime(store, b -> b.listener(e -> events.add(e.type())));
        text(runtime, "k", "p");
        assertThatThrownBy(() -> text(runtime, "k", "other")).isInstanceOf(IdempotencyKeyReuseException.class)
                .hasMessageContaining("'k'");
        assertThat(store.claims).hasValue(1);
        assertThat(events).contains(IdempotencyEvent.Type.KEY_REUSE);
        assertThat(text(runtime, "k", "p")).isEqualTo("ran 1");
    }

    @Test
    void anEntryLastsNoLongerThanTheTtlOnTheRuntimesClock() {
        Remote store = new Remote(shared);
        IdempotencyRuntime runtime = runtime(store);
        shortLived(runtime, "k");
        clock.advance(Duration.ofMinutes(10).minusSeconds(1));
        shortLived(runtime, "k");
        assertThat(store.claims).hasValue(1);
        clock.advance(Duration.ofSeconds(2));
        assertThat(shortLived(runtime, "k")).as("the record expired with its entry").isEqualTo("ran 2");
        assertThat(store.claims).hasValue(2);
    }

    @Test
    void anEntryOfARecordFoundInTheStoreLastsNoLongerThanWhatTheStoreSaidWasLeft() {
        Remote a = new Remote(shared);
        Remote b = new Remote(shared);
        shortLived(runtime(a), "k");
        clock.advance(Duration.ofMinutes(9));
        b.remaining = Duration.ofMinutes(1);
        IdempotencyRuntime other = runtime(b);
        shortLived(other, "k");
        shortLived(other, "k"); // the second replay of a key asks when its record expires, and keeps it
        clock.advance(Duration.ofSeconds(59));
        shortLived(other, "k");
        assertThat(b.claims).hasValue(2);
        clock.advance(Duration.ofSeconds(2));
        assertThat(shortLived(other, "k")).isEqualTo("ran 2");
        assertThat(b.claims).hasValue(3);
    }

    @Test
    void maxAgeBoundsAnEntryBelowItsTtl() {
        Remote store = new Remote(shared);
        IdempotencyRuntime runtime = runtime(store, b -> b.nearCacheMaxAge("5s"));
        text(runtime, "k", "p");
        clock.advance(Duration.ofSeconds(4));
        text(runtime, "k", "p");
        assertThat(store.claims).hasValue(1);
        clock.advance(Duration.ofSeconds(2));
        assertThat(text(runtime, "k", "p")).as("asked the store, which still has it").isEqualTo("ran 1");
        assertThat(store.claims).hasValue(2);
    }

    @Test
    void zeroTurnsTheCacheOff() {
        Remote store = new Remote(shared);
        IdempotencyRuntime runtime = runtime(store, b -> b.nearCacheMaxEntries(0));
        for (int i = 0; i < 4; i++) {
            assertThat(text(runtime, "k", "p")).isEqualTo("ran 1");
        }
        assertThat(store.claims).hasValue(4);
        assertThat(store.asked).hasValue(0);
    }

    @Test
    void theBoundIsKept() {
        Remote store = new Remote(shared);
        IdempotencyRuntime runtime = runtime(store, b -> b.nearCacheMaxEntries(2));
        for (int i = 0; i < 10; i++) {
            text(runtime, "k" + i, "p");
        }
        store.claims.set(0);
        for (int i = 0; i < 10; i++) {
            assertThat(text(runtime, "k" + i, "p")).isEqualTo("ran " + (i + 1));
        }
        assertThat(store.claims.get()).as("at most two of ten replays served from the cache").isGreaterThanOrEqualTo(8);
    }

    @Test
    void anImmutableResultIsDecodedOnceAndShared() {
        Remote a = new Remote(shared);
        Remote b = new Remote(shared);
        IdempotencyRuntime runtime = runtime(a);
        Money first = money(runtime, "k");
        assertThat(money(runtime, "k")).isSameAs(first);
        IdempotencyRuntime other = runtime(b);
        Money decoded = money(other, "k");
        assertThat(decoded).isEqualTo(first).isNotSameAs(first);
        Money kept = money(other, "k"); // the key's second replay here: kept from now on
        assertThat(kept).isEqualTo(first).isNotSameAs(decoded);
        assertThat(money(other, "k")).as("kept decoded").isSameAs(kept);
        assertThat(money(other, "k")).isSameAs(kept);
        assertThat(b.claims).hasValue(2);
    }

    private Money money(IdempotencyRuntime runtime, String key) {
        return runtime.call("near.money", key, Money.class)
                .run(() -> new Money("EUR", new BigDecimal("12.50").add(BigDecimal.valueOf(runs.incrementAndGet()))));
    }

    @Test
    void aMutableResultIsDecodedAfreshForEachReplay() {
        Remote store = new Remote(shared);
        IdempotencyRuntime runtime = runtime(store);
        List<String> first = list(runtime, "k");
        List<String> replay = list(runtime, "k");
        assertThat(replay).isEqualTo(first).isNotSameAs(first);
        replay.add("changed by a caller");
        assertThat(list(runtime, "k")).isEqualTo(List.of("a", "b")).isNotSameAs(replay);
        assertThat(store.claims).hasValue(1);
    }

    private List<String> list(IdempotencyRuntime runtime, String key) {
        return runtime.call("near.list", key, new ResultType<List<String>>() { })
                .run(() -> new ArrayList<>(List.of("a", "b")));
    }

    @Test
    void aRememberedExceptionIsThrownAfreshFromTheCache() {
        Remote store = new Remote(shared);
        IdempotencyRuntime runtime = runtime(store);
        Throwable first = catchDeclined(runtime);
        Throwable second = catchDeclined(runtime);
        Throwable third = catchDeclined(runtime);
        assertThat(second).isInstanceOf(Declined.class).hasMessage("declined").isNotSameAs(first);
        assertThat(third).isInstanceOf(Declined.class).isNotSameAs(second);
        assertThat(store.claims).hasValue(1);
        assertThat(runs).hasValue(1);
    }

    private Throwable catchDeclined(IdempotencyRuntime runtime) {
        try {
            runtime.call("near.declined", "k", String.class).remember(Declined.class).run(() -> {
                runs.incrementAndGet();
                throw new Declined("declined");
            });
        } catch (Declined e) {
            return e;
        }
        throw new AssertionError("not thrown");
    }

    @Test
    void anUnreplayableOutcomeIsRefusedFromTheCacheToo() {
        Remote store = new Remote(shared);
        IdempotencyRuntime runtime = runtime(store, b -> b.maxResultSize(16));
        runtime.call("near", "big", String.class).run(() -> "x".repeat(100));
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> runtime.call("near", "big", String.class).run(() -> "again"))
                    .isInstanceOf(IdempotencyConfigurationException.class).hasMessageContaining("maxResultSize");
        }
        assertThat(store.claims).hasValue(1);
    }

    @Test
    void aTamperedRecordFromTheStoreIsAnErrorAndIsNotKept() {
        Remote a = new Remote(shared);
        Remote b = new Remote(shared);
        text(runtime(a), "k", "p");
        b.tamper = r -> StoredRecord.completed(r.fingerprint(), Outcome.value("{\"not\":\"a string\"}"));
        IdempotencyRuntime other = runtime(b);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> text(other, "k", "p")).isInstanceOf(IdempotencyStoreException.class)
                    .hasMessageContaining("does not decode");
        }
        b.tamper = r -> r;
        assertThat(text(other, "k", "p")).isEqualTo("ran 1");
        assertThat(b.claims).as("each call read the store: the tampered record was never served from memory")
                .hasValue(3);
    }
}
