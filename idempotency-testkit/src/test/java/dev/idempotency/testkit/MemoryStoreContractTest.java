package dev.idempotency.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.memory.MemoryStore;
import dev.idempotency.spi.ClaimResult;
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
    void theBoundIsKept() {
        MemoryStore small = new MemoryStore(clock, 100);
        for (int i = 0; i < 1_000; i++) {
            small.claim(namespace, "k" + i, "o", "fp", Duration.ofMinutes(1));
        }
        small.cleanUp();
        assertThat(small.size()).isLessThanOrEqualTo(100);
    }
}
