package dev.idempotency.signature;

import java.time.Clock;
import java.time.Duration;

/**
 * Remembers the nonces it has seen, so a captured request sent again within its window is refused. The verifier
 * claims each nonce for twice the window: a request is accepted only while its {@code created} lies within the window
 * either side of now, so after twice the window no copy of it can pass the time check any more and the nonce may be
 * forgotten.
 *
 * <p>Behind several servers the registry must be shared (a database or Redis, for example over the library's
 * {@code IdempotencyStore}); {@link #inMemory} guards one process.
 */
@FunctionalInterface
public interface NonceRegistry {

    /**
     * Records the nonce for this key id for {@code ttl}, atomically; true if it was not recorded already (the request
     * is fresh), false if it was (a replay). Nonces of different key ids never collide.
     */
    boolean claimOnce(String keyId, String nonce, Duration ttl);

    /** A registry in this process's memory, on the given clock; expired nonces are swept as new ones arrive. */
    static NonceRegistry inMemory(Clock clock) {
        return new InMemoryNonceRegistry(clock);
    }
}
