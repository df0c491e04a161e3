package dev.idempotency.core;

import dev.idempotency.IdempotencyStoreException;
import dev.idempotency.memory.MemoryStore;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.IdempotencyStoreProvider;
import java.time.Clock;

/** {@code flaky:}: a store that cannot be reached until a test says it is up, as a server still booting. */
public final class FlakyStoreProvider implements IdempotencyStoreProvider {
    static volatile boolean up;
    static volatile int attempts;

    @Override
    public String uriForms() {
        return "flaky:";
    }

    @Override
    public boolean accepts(String uri) {
        return uri.startsWith("flaky:");
    }

    @Override
    public IdempotencyStore create(String uri, Clock clock) {
        attempts++;
        if (!up) {
            throw new IdempotencyStoreException("flaky store is not up yet", null, null);
        }
        return new MemoryStore(clock, 100);
    }
}
