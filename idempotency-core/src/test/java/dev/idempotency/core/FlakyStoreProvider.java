package dev.idempotency.core;

import dev.idempotency.IdempotencyStoreException;
import dev.idempotency.memory.MemoryStore;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.IdempotencyStoreProvider;
import dev.idempotency.spi.Outcome;
import dev.idempotency.spi.StoredRecord;
import java.time.Clock;
import java.time.Duration;

/**
 * {@code flaky:}: a store that, like every store, is built without touching its server, and cannot reach it until a
 * test says it is up, as a server still booting.
 */
public final class FlakyStoreProvider implements IdempotencyStoreProvider {
    static volatile boolean up;
    static volatile int created;

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
        created++;
        return new Flaky(new MemoryStore(clock, 100));
    }

    private record Flaky(MemoryStore server) implements IdempotencyStore {
        private MemoryStore reach() {
            if (!up) {
                throw new IdempotencyStoreException("flaky store is not up yet", null, null, null, true);
            }
            return server;
        }

        @Override
        public ClaimResult claim(String namespace, String key, String owner, String fingerprint, Duration lease) {
            return reach().claim(namespace, key, owner, fingerprint, lease);
        }

        @Override
        public boolean complete(String namespace, String key, String owner, Outcome outcome, Duration ttl) {
            return reach().complete(namespace, key, owner, outcome, ttl);
        }

        @Override
        public boolean release(String namespace, String key, String owner) {
            return reach().release(namespace, key, owner);
        }

        @Override
        public boolean renew(String namespace, String key, String owner, Duration lease) {
            return reach().renew(namespace, key, owner, lease);
        }

        @Override
        public StoredRecord read(String namespace, String key) {
            return reach().read(namespace, key);
        }
    }
}
