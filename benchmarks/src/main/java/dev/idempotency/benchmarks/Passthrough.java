package dev.idempotency.benchmarks;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method for {@link PassthroughAspect}: an around advice of the same shape as the library's aspect that does
 * no idempotency work, to measure what AspectJ's around plumbing alone costs.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Passthrough {
}
