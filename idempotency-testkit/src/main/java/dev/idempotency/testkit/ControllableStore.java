package dev.idempotency.testkit;

import dev.idempotency.IdempotencyStoreException;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.ForwardingIdempotencyStore;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.Outcome;
import dev.idempotency.spi.StoredRecord;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real store with switches for fault tests: {@link #down} makes every operation fail as an unreachable store
 * would, {@link #answersWrongly} as a store that answered wrongly would, and {@link #freezeRenewals} makes renewals report success without extending anything, as a holder whose
 * renewals stopped reaching the store would experience.
 */
public final class ControllableStore extends ForwardingIdempotencyStore {
    /**
     * Every operation fails with an {@link IdempotencyStoreException} whose {@link
     * IdempotencyStoreException#isUnreachable()} is true, as a store that cannot be reached would; the wrapped store is
     * not called.
     */
    public volatile boolean down;
    /** Every operation fails as a store that answers, but wrongly (a deadlock, a garbage reply), would. */
    public volatile boolean answersWrongly;
    /** Renewals report success without reaching the wrapped store, so that claims expire while their owner runs. */
    public volatile boolean freezeRenewals;
    /** Rewrites completed records on their way out, as a tampered or foreign backend would. */
    public volatile java.util.function.UnaryOperator<StoredRecord> tamper;
    /** Runs before each completion reaches the store, e.g. to hold it up while a test looks at the caller. */
    public volatile Runnable beforeComplete;
    /** Runs before each renewal reaches the store, with its key, e.g. to make one renewal hang. */
    public volatile java.util.function.Consumer<String> beforeRenew;
    /** How many claims reached the wrapped store. */
    public final AtomicInteger claims = new AtomicInteger();
    /** Runs after each claim answered, with its key, e.g. to know that every racing caller has reached the store. */
    public volatile java.util.function.Consumer<String> afterClaim;
    /**
     * Runs before each read, with its key: a {@code WAIT} caller reads only once it is waiting for another call, so
     * this is how a test knows that a caller waits, without sleeping.
     */
    public volatile java.util.function.Consumer<String> beforeRead;
    /** Set once the runtime closed this store. */
    public volatile boolean closed;
    /** Counted down once the runtime closed this store. */
    public final java.util.concurrent.CountDownLatch closing = new java.util.concurrent.CountDownLatch(1);
    /** How many renewals got past {@link #down} and {@link #answersWrongly}, frozen ones included. */
    public final AtomicInteger renewals = new AtomicInteger();

    /**
     * A store that forwards every operation to {@code delegate} while no switch is set. Closing it closes the
     * delegate.
     *
     * @param delegate the real store
     * @throws NullPointerException if {@code delegate} is {@code null}
     */
    public ControllableStore(IdempotencyStore delegate) {
        super(delegate);
    }

    @Override
    public IdempotencyStore delegate() {
        return super.delegate();
    }

    private void check(String namespace, String key) {
        if (down) {
            throw new IdempotencyStoreException("test store is down", namespace, key, null, true);
        }
        if (answersWrongly) {
            throw new IdempotencyStoreException("test store answered garbage", namespace, key, null, false);
        }
    }

    @Override
    public ClaimResult claim(String namespace, String key, String owner, String fingerprint, Duration lease) {
        check(namespace, key);
        claims.incrementAndGet();
        ClaimResult result = delegate().claim(namespace, key, owner, fingerprint, lease);
        java.util.function.Consumer<String> hook = afterClaim;
        if (hook != null) {
            hook.accept(key);
        }
        if (result instanceof ClaimResult.Found found) {
            return ClaimResult.found(tampered(found.record()));
        }
        return result;
    }

    @Override
    public boolean complete(String namespace, String key, String owner, Outcome outcome, Duration ttl) {
        check(namespace, key);
        Runnable hook = beforeComplete;
        if (hook != null) {
            hook.run();
        }
        return delegate().complete(namespace, key, owner, outcome, ttl);
    }

    @Override
    public boolean release(String namespace, String key, String owner) {
        check(namespace, key);
        return delegate().release(namespace, key, owner);
    }

    @Override
    public boolean renew(String namespace, String key, String owner, Duration lease) {
        check(namespace, key);
        java.util.function.Consumer<String> hook = beforeRenew;
        if (hook != null) {
            hook.accept(key);
        }
        renewals.incrementAndGet();
        return freezeRenewals || delegate().renew(namespace, key, owner, lease);
    }

    @Override
    public StoredRecord read(String namespace, String key) {
        check(namespace, key);
        java.util.function.Consumer<String> hook = beforeRead;
        if (hook != null) {
            hook.accept(key);
        }
        StoredRecord record = delegate().read(namespace, key);
        return record == null ? null : tampered(record);
    }

    private StoredRecord tampered(StoredRecord record) {
        java.util.function.UnaryOperator<StoredRecord> t = tamper;
        return t != null && record.isCompleted() ? t.apply(record) : record;
    }

    @Override
    public String describe() {
        return "controllable(" + delegate().describe() + ")";
    }

    @Override
    public void close() {
        closed = true;
        closing.countDown();
        delegate().close();
    }
}
