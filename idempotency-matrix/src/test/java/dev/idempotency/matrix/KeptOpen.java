package dev.idempotency.matrix;

import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.Outcome;
import dev.idempotency.spi.StoredRecord;
import java.time.Duration;

/**
 * A row's store as each test sees it: everything goes to the store but {@link #close()}, which does nothing. The
 * suite re-configures the runtime with the store it already uses (fail-open, max result size), and
 * {@code Idempotency.configure} closes the previous runtime's store: a store that owns its pool (every store built
 * from a URI does) would be closed under the new runtime. The row closes the store once, after its last test.
 */
record KeptOpen(IdempotencyStore delegate) implements IdempotencyStore {

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
        // the row closes the store after its last test
    }
}
