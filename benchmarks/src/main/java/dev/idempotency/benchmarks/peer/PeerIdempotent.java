package dev.idempotency.benchmarks.peer;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The peer's annotation, shaped like those of the popular Spring Boot idempotency starters: a SpEL key expression
 * over the method's parameters, read by {@link PeerIdempotencyInterceptor} through a Spring AOP proxy.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface PeerIdempotent {

    /** A SpEL expression over the parameters by name, e.g. {@code #request.requestId}. */
    String key();
}
