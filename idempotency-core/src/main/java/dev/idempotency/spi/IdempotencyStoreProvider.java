package dev.idempotency.spi;

import java.time.Clock;

/**
 * Creates stores from URIs, found through {@link java.util.ServiceLoader}. A store module registers one in
 * {@code META-INF/services/dev.idempotency.spi.IdempotencyStoreProvider}.
 */
public interface IdempotencyStoreProvider {

    /** The URI forms this provider understands, for error messages, e.g. {@code "redis://, rediss://"}. */
    String uriForms();

    /** Whether this provider creates the store for the URI (usually a check of its scheme). */
    boolean accepts(String uri);

    /**
     * Creates the store for an accepted URI.
     *
     * @param clock the runtime's clock, for stores that keep time themselves
     * @throws dev.idempotency.IdempotencyConfigurationException if the URI is malformed, naming the bad part
     */
    IdempotencyStore create(String uri, Clock clock);
}
