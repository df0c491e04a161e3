/**
 * The runtime's public face: configuring the process-wide runtime that {@code @Idempotent} methods use
 * ({@link dev.idempotency.core.Idempotency}, {@link dev.idempotency.core.IdempotencyConfig}), making code idempotent
 * without the annotation ({@link dev.idempotency.core.IdempotencyRuntime}, {@link dev.idempotency.core.IdempotentCall},
 * {@link dev.idempotency.core.ResultType}), observing calls ({@link dev.idempotency.core.IdempotencyListener},
 * {@link dev.idempotency.core.IdempotencyEvent}), and the hooks a web layer or an application's own transactions use
 * ({@link dev.idempotency.core.CurrentRequest}, {@link dev.idempotency.core.IdempotencyTransaction}).
 *
 * <pre>{@code
 * Idempotency.configure(IdempotencyConfig.builder().storeUri("redis://redis:6379").build());
 *
 * Receipt receipt = Idempotency.runtime().call("payments.transfer", request.requestId(), Receipt.class)
 *         .payload(request)
 *         .run(() -> transfer(request));
 * }</pre>
 *
 * Without any configuration, the runtime is built on first use from the environment ({@code idempotency.store},
 * {@code idempotency.ttl}, ... as system properties, environment variables or {@code idempotency.properties}) and uses
 * the in-memory store.
 */
package dev.idempotency.core;
