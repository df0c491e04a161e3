package dev.idempotency.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.memory.MemoryStore;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.Outcome;
import dev.idempotency.spi.IdempotencyStore;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The store contract on the in-memory store, on a test clock. */
class MemoryStoreContractTest extends StoreSuite {

    private final MutableClock clock = new MutableClock();

    @Override
    protected IdempotencyStore newStore() {
        return new MemoryStore(clock, 10_000);
    }

    @Override
    protected void elapse(Duration duration) {
        clock.advance(duration);
    }

    @Test
    void aTakeoverIsReportedAsSuch() {
        store.claim(namespace, "k", "dead", "fp", lease());
        clock.advance(lease().plusSeconds(1));
        assertThat(store.claim(namespace, "k", "next", "fp", lease())).isEqualTo(ClaimResult.claimed(true));
        assertThat(store.claim(namespace, "fresh", "first", "fp", lease())).isEqualTo(ClaimResult.claimed(false));
    }

    @Test
    void theBoundIsKeptOnCompletedRecords() {
        MemoryStore small = new MemoryStore(clock, 100);
        for (int i = 0; i < 1_000; i++) {
            small.claim(namespace, "k" + i, "o" + i, "fp", Duration.ofMinutes(1));
            assertThat(small.complete(namespace, "k" + i, "o" + i, Outcome.value("1"), Duration.ofHours(1))).isTrue();
        }
        small.cleanUp();
        assertThat(small.size()).isLessThanOrEqualTo(100);
    }

    /**
     * Past its bound the store evicts the records that expire soonest: a retry comes soon after its call, so the newest
     * records are the ones worth keeping, replayed or not, and an old record read often does not push them out.
     */
    @Test
    void theBoundEvictsTheRecordsThatExpireSoonest() {
        MemoryStore small = new MemoryStore(clock, 100);
        small.claim(namespace, "old", "o", "fp", Duration.ofMinutes(1));
        small.complete(namespace, "old", "o", Outcome.value("1"), Duration.ofHours(1));
        small.claim(namespace, "long", "o", "fp", Duration.ofMinutes(1));
        small.complete(namespace, "long", "o", Outcome.value("1"), Duration.ofDays(1));
        for (int i = 0; i < 1_000; i++) {
            clock.advance(Duration.ofMillis(10));
            small.claim(namespace, "k" + i, "o" + i, "fp", Duration.ofMinutes(1));
            small.complete(namespace, "k" + i, "o" + i, Outcome.value("1"), Duration.ofHours(1));
            small.read(namespace, "old"); // read again and again, as replays do
        }
        small.cleanUp();
        assertThat(small.size()).isLessThanOrEqualTo(100);
        for (int i = 1_000 - 99; i < 1_000; i++) {
            assertThat(small.read(namespace, "k" + i)).as("record k%d, among the newest", i).isNotNull();
        }
        assertThat(small.read(namespace, "long")).as("the record with the longest ttl").isNotNull();
        assertThat(small.read(namespace, "old")).as("the oldest, however often it was replayed").isNull();
        assertThat(small.read(namespace, "k0")).isNull();
    }

    /** A claim in progress is never evicted to make room: a second caller would then run the same key at once. */
    @Test
    void claimsInProgressAreNeverEvicted() {
        MemoryStore small = new MemoryStore(clock, 100);
        for (int i = 0; i < 1_000; i++) {
            small.claim(namespace, "k" + i, "o" + i, "fp", Duration.ofMinutes(1));
        }
        for (int i = 0; i < 1_000; i++) {
            small.complete(namespace, "done" + i, "x", Outcome.value("1"), Duration.ofHours(1));
            small.claim(namespace, "done" + i, "x", "fp", Duration.ofMinutes(1));
            small.complete(namespace, "done" + i, "x", Outcome.value("1"), Duration.ofHours(1));
        }
        small.cleanUp();
        for (int i = 0; i < 1_000; i++) {
            assertThat(small.claim(namespace, "k" + i, "other", "fp", Duration.ofMinutes(1)))
                    .as("key k%d, claimed and still running", i).isInstanceOf(ClaimResult.Found.class);
        }
        clock.advance(Duration.ofSeconds(90)); // past the lease, within the grace that tells a takeover
        small.cleanUp();
        assertThat(small.claim(namespace, "k0", "late", "fp", Duration.ofMinutes(1)))
                .as("an expired claim is taken over").isEqualTo(ClaimResult.claimed(true));
        clock.advance(Duration.ofMinutes(5));
        small.cleanUp();
        assertThat(small.size()).as("claims expired long ago are dropped").isLessThanOrEqualTo(100);
    }
}
