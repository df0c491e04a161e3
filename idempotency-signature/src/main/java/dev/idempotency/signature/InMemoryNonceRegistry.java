package dev.idempotency.signature;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Nonces in a concurrent map with their expiry. Memory is bounded by the request rate times about 1.25 the ttl: once
 * per quarter ttl (at least a second), one caller sweeps out what has expired. Sweeping by time rather than by count
 * keeps a busy registry from walking its whole map every few thousand claims.
 */
final class InMemoryNonceRegistry implements NonceRegistry {

    private final Clock clock;
    private final ConcurrentHashMap<Key, Long> expiries = new ConcurrentHashMap<>();
    private final AtomicLong nextSweep = new AtomicLong(Long.MIN_VALUE);

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
        long sweepAt = nextSweep.get();
        if (now >= sweepAt && nextSweep.compareAndSet(sweepAt, now + Math.max(ttl.toMillis() / 4, 1000))) {
            if (sweepAt != Long.MIN_VALUE) {
                expiries.values().removeIf(e -> e <= now);
            }
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
