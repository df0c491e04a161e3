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
     * is fresh), false if it was (a replay). Nonces of different key ids never collide. Called concurrently by every
     * request thread: an implementation must be thread-safe, and of concurrent claims of the same key id and nonce
     * only one may return {@code true}.
     *
     * @param keyId the key id the signature was made with
     * @param nonce the nonce the signature carries (or, in the legacy scheme without a nonce header, the signature)
     * @param ttl how long to remember it; the verifier passes twice its window
     * @return {@code true} if the nonce was new and is now claimed, {@code false} if it was claimed already and has
     *         not expired
     */
    boolean claimOnce(String keyId, String nonce, Duration ttl);

    /**
     * A registry in this process's memory, on the given clock; expired nonces are swept as new ones arrive. It is
     * thread-safe, and its memory grows with the request rate times the ttl. Fit for a single server only.
     *
     * @param clock the clock expiries are measured on; not null
     * @return a new, empty registry
     * @throws NullPointerException if {@code clock} is null
     */
    static NonceRegistry inMemory(Clock clock) {
        return new InMemoryNonceRegistry(clock);
    }
}
