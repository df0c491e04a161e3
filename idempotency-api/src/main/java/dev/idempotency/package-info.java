/**
 * What application code compiles against: the {@link dev.idempotency.Idempotent @Idempotent} annotation, its
 * {@link dev.idempotency.OnInProgress} policy, the exceptions a caller may catch (all subclasses of the unchecked
 * {@link dev.idempotency.IdempotencyException}) and {@link dev.idempotency.IdempotencyKeys}, which makes keys on a
 * client or a server. This package has no dependencies; the runtime that acts on the annotation is in
 * {@code idempotency-core} (packages {@code dev.idempotency.core}, {@code dev.idempotency.spi} and
 * {@code dev.idempotency.memory}).
 *
 * <pre>{@code
 * @Idempotent(key = "#req.requestId")
 * public Receipt transfer(TransferRequest req) { ... }
 * }</pre>
 */
package dev.idempotency;
