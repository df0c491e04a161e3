/**
 * Spring Boot auto-configuration of the idempotency runtime, usually added through
 * {@code idempotency-spring-boot-starter}: the store and the runtime from the {@code idempotency.*} properties
 * ({@link dev.idempotency.spring.boot.autoconfigure.IdempotencyProperties}), the Spring AOP advisor for
 * {@code @Idempotent} methods of beans, the servlet filter and problem details in a servlet web application, Actuator
 * health and Micrometer metrics when those are present.
 *
 * <p>Applications use it through properties and, where they want to replace a part, beans of their own (an
 * {@code IdempotencyStore}, an {@code IdempotencyConfig}, {@code IdempotencyListener}s); the auto-configuration
 * classes themselves are not meant to be called. A refused property stops the start-up with an
 * {@link dev.idempotency.spring.boot.autoconfigure.InvalidIdempotencyPropertyException}, which Spring Boot reports
 * with the property, the reason and the fix.
 */
package dev.idempotency.spring.boot.autoconfigure;
