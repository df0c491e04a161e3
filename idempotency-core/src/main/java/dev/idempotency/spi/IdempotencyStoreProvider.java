package dev.idempotency.spi;

import java.time.Clock;

/**
 * Creates stores from URIs, found through {@link java.util.ServiceLoader}. A store module registers one in
 * {@code META-INF/services/dev.idempotency.spi.IdempotencyStoreProvider} and, on the module path, with
 * {@code provides dev.idempotency.spi.IdempotencyStoreProvider with ...} in its {@code module-info}. The runtime asks
 * the providers in turn which one {@link #accepts} a URI; a URI no provider accepts is an
 * {@link dev.idempotency.IdempotencyConfigurationException} listing every provider's {@link #uriForms()}.
 *
 * <pre>{@code
 * public final class MapStoreProvider implements IdempotencyStoreProvider {
 *     public MapStoreProvider() {              // ServiceLoader needs a public no-argument constructor
 *     }
 *
 *     @Override
 *     public String uriForms() {
 *         return "map:";
 *     }
 *
 *     @Override
 *     public boolean accepts(String uri) {
 *         return uri.startsWith("map:");
 *     }
 *
 *     @Override
 *     public void validate(String uri) {
 *         if (!uri.equals("map:")) {
 *             throw new IdempotencyConfigurationException("bad store URI '" + Options.redact(uri)
 *                     + "': map: takes no options", null, null);
 *         }
 *     }
 *
 *     @Override
 *     public IdempotencyStore create(String uri, Clock clock) {
 *         validate(uri);
 *         return new MapStore(clock);           // no connection yet: a store connects on first use
 *     }
 * }
 * }</pre>
 *
 * Then {@code -Didempotency.store=map:} or {@code IdempotencyConfig.builder().storeUri("map:")} selects it.
 * Providers are looked up again whenever a store URI is resolved (when a runtime is configured, not per call), so they
 * should be cheap to make and keep no state.
 */
public interface IdempotencyStoreProvider {

    /**
     * The URI forms this provider understands, for error messages, e.g. {@code "redis://, rediss://"}.
     *
     * @return a short human-readable list of the URI forms
     */
    String uriForms();

    /**
     * Whether this provider creates the store for the URI (usually a check of its scheme). It should not look past
     * the scheme: a malformed URI of its own scheme is accepted here and refused by {@link #validate} or
     * {@link #create}, which can say what is wrong with it.
     *
     * @param uri the store URI, trimmed; not {@code null}
     * @return whether this provider is the one for the URI
     */
    boolean accepts(String uri);

    /**
     * Checks an accepted URI as {@link #create} would, without creating the store: no connection, no pool, no
     * thread, and as few classes loaded as can be. The javaagent calls it at start-up, so that a malformed URI is
     * reported on its start-up line while the store itself is built at the first {@code @Idempotent} call. The
     * default checks nothing, leaving every complaint to {@link #create}.
     *
     * @param uri a URI this provider {@linkplain #accepts accepts}
     * @throws dev.idempotency.IdempotencyConfigurationException if the URI is malformed, naming the bad part
     */
    default void validate(String uri) {
    }

    /**
     * Creates the store for an accepted URI, without touching the network: the store connects on its first
     * operation, so that a server that is down fails calls (closed) rather than the runtime's creation. The runtime
     * that asked owns the store and closes it.
     *
     * @param uri   a URI this provider {@linkplain #accepts accepts}
     * @param clock the runtime's clock, for stores that keep time themselves
     * @return a new store, not yet connected
     * @throws dev.idempotency.IdempotencyConfigurationException if the URI is malformed, naming the bad part
     */
    IdempotencyStore create(String uri, Clock clock);
}
