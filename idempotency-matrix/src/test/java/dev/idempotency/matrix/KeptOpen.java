package dev.idempotency.matrix;

import dev.idempotency.spi.ForwardingIdempotencyStore;
import dev.idempotency.spi.IdempotencyStore;

/**
 * A row's store as each test sees it: everything goes to the store but {@link #close()}, which does nothing. The
 * suite re-configures the runtime with the store it already uses (fail-open, max result size), and
 * {@code Idempotency.configure} closes the previous runtime's store: a store that owns its pool (every store built
 * from a URI does) would be closed under the new runtime. The row closes the store once, after its last test.
 */
final class KeptOpen extends ForwardingIdempotencyStore {

    KeptOpen(IdempotencyStore delegate) {
        super(delegate);
    }

    @Override
    public void close() {
        // the row closes the store after its last test
    }
}
