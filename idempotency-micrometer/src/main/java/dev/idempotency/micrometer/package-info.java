/**
 * Micrometer metrics for the library, with or without Spring: {@link dev.idempotency.micrometer.IdempotencyMetrics}
 * is a {@code MeterBinder} and an event listener that counts calls by outcome, times each store operation through an
 * {@code Observation} (so a tracing bridge sees it too) and gauges the claims this JVM holds.
 *
 * <pre>{@code
 * IdempotencyMetrics metrics = new IdempotencyMetrics();
 * metrics.bindTo(meterRegistry);
 * // then give the runtime metrics.instrument(store) as its store and metrics as a listener
 * }</pre>
 */
package dev.idempotency.micrometer;
