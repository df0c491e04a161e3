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
     * Checks an accepted URI as {@link #create} would, without creating the store: no connection, no pool, no
     * thread, and as few classes loaded as can be. The javaagent calls it at start-up, so that a malformed URI is
     * reported on its start-up line while the store itself is built at the first {@code @Idempotent} call. The
     * default checks nothing, leaving every complaint to {@link #create}.
     *
     * @throws dev.idempotency.IdempotencyConfigurationException if the URI is malformed, naming the bad part
     */
    default void validate(String uri) {
    }

    /**
     * Creates the store for an accepted URI.
     *
     * @param clock the runtime's clock, for stores that keep time themselves
     * @throws dev.idempotency.IdempotencyConfigurationException if the URI is malformed, naming the bad part
     */
    IdempotencyStore create(String uri, Clock clock);
}
