package dev.idempotency.redis;

import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.IdempotencyStoreProvider;
import java.time.Clock;

/**
 * {@code redis://}, {@code rediss://}, {@code redis-sentinel://} and {@code redis-cluster://}: see
 * {@link RedisStore.Builder#uri}. Redis keeps time itself, so the runtime's clock is not used.
 */
public final class RedisStoreProvider implements IdempotencyStoreProvider {

    @Override
    public String uriForms() {
        return RedisUris.FORMS;
    }

    @Override
    public boolean accepts(String uri) {
        return RedisUris.accepts(uri);
    }

    /** Reads the URI into the builder's settings and checks them: no connection, no pool. */
    @Override
    public void validate(String uri) {
        RedisStore.builder().uri(uri).check();
    }

    @Override
    public IdempotencyStore create(String uri, Clock clock) {
        return RedisStore.create(uri);
    }
}
