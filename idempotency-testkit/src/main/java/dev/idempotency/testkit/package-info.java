/**
 * The contract suites, for this library's stores and for stores written by others: {@link
 * dev.idempotency.testkit.StoreSuite} checks a store of the SPI ({@code dev.idempotency.spi.IdempotencyStore})
 * directly, {@link dev.idempotency.testkit.SemanticsSuite} runs the whole library on it through a weaving route. Both
 * are JUnit 5 test classes to extend; see their class comments for a complete example.
 *
 * <p>Helpers for such tests: {@link dev.idempotency.testkit.MutableClock} (time that moves only when told to),
 * {@link dev.idempotency.testkit.ControllableStore} (a real store with switches for fault tests) and
 * {@link dev.idempotency.testkit.Await} (waiting for a condition without a fixed sleep).
 *
 * <p>Add the module with test scope; it brings JUnit Jupiter and AssertJ. The sub-packages are this project's own
 * test infrastructure, with no compatibility promise.
 */
package dev.idempotency.testkit;
