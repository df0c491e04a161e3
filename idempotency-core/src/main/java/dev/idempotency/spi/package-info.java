/**
 * The store SPI: what a store of claims and results implements, and the types it exchanges with the runtime.
 *
 * <ul>
 *   <li>{@link dev.idempotency.spi.IdempotencyStore}: the store itself, with the contract every store keeps (atomic
 *       claim-or-read; complete, release and renew only by the claim's owner; every record expires) and an example
 *       implementation;</li>
 *   <li>{@link dev.idempotency.spi.IdempotencyStoreProvider}: makes a store from a URI such as {@code memory:} or
 *       {@code redis://host:6379}, found through {@link java.util.ServiceLoader};</li>
 *   <li>{@link dev.idempotency.spi.StoredRecord}, {@link dev.idempotency.spi.Outcome} and
 *       {@link dev.idempotency.spi.ClaimResult}: what a store keeps and answers;</li>
 *   <li>{@link dev.idempotency.spi.ForwardingIdempotencyStore}: a base for a store that wraps another (metrics,
 *       tracing, fault injection);</li>
 *   <li>{@link dev.idempotency.spi.Options} and {@link dev.idempotency.spi.Sha256}: the library's syntax for settings
 *       and its hash, for stores to read their URI options and derive their record ids.</li>
 * </ul>
 *
 * The contract suite {@code dev.idempotency.testkit.StoreSuite} in {@code idempotency-testkit} runs the contract
 * against a store; the stores of this project ({@code dev.idempotency.memory.MemoryStore}, Redis, JDBC) all pass it.
 */
package dev.idempotency.spi;
