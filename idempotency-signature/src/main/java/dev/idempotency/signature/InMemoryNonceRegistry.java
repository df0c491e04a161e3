package dev.idempotency.signature;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Nonces in a concurrent map with their expiry. Memory is bounded by the request rate times the ttl: every 4,096
 * claims, one caller sweeps out what has expired.
 */
final class InMemoryNonceRegistry implements NonceRegistry {

    private static final int SWEEP_EVERY = 4096;

    private final Clock clock;
    private final ConcurrentHashMap<Key, Long> expiries = new ConcurrentHashMap<>();
    private final AtomicInteger claims = new AtomicInteger();

    private record Key(String keyId, String nonce) {
    }

    InMemoryNonceRegistry(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public boolean claimOnce(String keyId, String nonce, Duration ttl) {
        long now = clock.millis();
        long expiry = now + ttl.toMillis();
        boolean[] fresh = {false};
        expiries.compute(new Key(keyId, nonce), (k, old) -> {
            if (old != null && old > now) {
                return old;
            }
            fresh[0] = true;
            return expiry;
        });
        if (claims.incrementAndGet() % SWEEP_EVERY == 0) {
            expiries.values().removeIf(e -> e <= now);
        }
        return fresh[0];
    }

    /** How many nonces are held, expired ones not yet swept included; for tests. */
    int size() {
        return expiries.size();
    }

    @Override
    public String toString() {
        return "NonceRegistry.inMemory(" + expiries.size() + " nonces)";
    }
}
