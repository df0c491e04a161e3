package dev.idempotency.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * A store that hands every operation to another one: extend it to observe, time or alter a few operations of a real
 * store (metrics, tracing, fault injection in tests) and inherit the rest, including the optional ones
 * ({@link #claimedInTransaction}, {@link #inProcess}, {@link #remainingTtl}), which a hand-written wrapper tends to
 * forget.
 *
 * <pre>{@code
 * final class TimedStore extends ForwardingIdempotencyStore {
 *     private final Timer claims;
 *
 *     TimedStore(IdempotencyStore delegate, Timer claims) {
 *         super(delegate);
 *         this.claims = claims;
 *     }
 *
 *     @Override
 *     public ClaimResult claim(String namespace, String key, String owner, String fingerprint, Duration lease) {
 *         long start = System.nanoTime();
 *         try {
 *             return super.claim(namespace, key, owner, fingerprint, lease);
 *         } finally {
 *             claims.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
 *         }
 *     }
 * }
 * }</pre>
 *
 * A forwarding store is as thread-safe as its delegate, and {@link #close()} closes the delegate.
 */
public abstract class ForwardingIdempotencyStore implements IdempotencyStore {

    private final IdempotencyStore delegate;

    /**
     * A store that forwards to {@code delegate}.
     *
     * @param delegate the store every operation goes to; not {@code null}
     * @throws NullPointerException if {@code delegate} is {@code null}
     */
    protected ForwardingIdempotencyStore(IdempotencyStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /**
     * The store every operation goes to.
     *
     * @return the delegate given to the constructor
     */
    protected IdempotencyStore delegate() {
        return delegate;
    }

    @Override
    public ClaimResult claim(String namespace, String key, String owner, String fingerprint, Duration lease) {
        return delegate.claim(namespace, key, owner, fingerprint, lease);
    }

    @Override
    public boolean complete(String namespace, String key, String owner, Outcome outcome, Duration ttl) {
        return delegate.complete(namespace, key, owner, outcome, ttl);
    }

    @Override
    public boolean release(String namespace, String key, String owner) {
        return delegate.release(namespace, key, owner);
    }

    @Override
    public boolean renew(String namespace, String key, String owner, Duration lease) {
        return delegate.renew(namespace, key, owner, lease);
    }

    @Override
    public StoredRecord read(String namespace, String key) {
        return delegate.read(namespace, key);
    }

    @Override
    public Duration remainingTtl(String namespace, String key, StoredRecord record) {
        return delegate.remainingTtl(namespace, key, record);
    }

    @Override
    public boolean claimedInTransaction(String namespace, String key, String owner) {
        return delegate.claimedInTransaction(namespace, key, owner);
    }

    @Override
    public boolean inProcess() {
        return delegate.inProcess();
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
