package dev.idempotency;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a method idempotent: calls that evaluate to the same {@link #key() key} run the method body once;
 * later calls get an equal copy of the first call's result.
 *
 * <pre>{@code
 * @Idempotent(key = "#req.requestId")
 * public Receipt transfer(TransferRequest req) { ... }
 * }</pre>
 *
 * <p>Key and fingerprint expressions are a small subset of SpEL syntax, compiled once per method:
 * {@code #name} (a parameter by name), {@code #p0}/{@code #a0} (by index), property paths ({@code #req.orderNo},
 * any depth: getter, {@code is} getter, record component, public field), {@code 'text'} literals and {@code +}
 * concatenation. Anything else is an {@link IdempotencyConfigurationException} before the body can run.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Documented
public @interface Idempotent {

    /** The key expression, e.g. {@code "#orderId"}, {@code "'transfer:' + #req.userId + ':' + #req.requestId"}. */
    String key();

    /** Groups keys; {@code ""} means the declaring class and method, e.g. {@code TransferService.transfer}. */
    String namespace() default "";

    /**
     * How long a result is remembered: {@code "10m"}, {@code "24h"}, {@code "7d"} or ISO-8601 ({@code "PT10M"});
     * {@code ""} means the configured default (1h).
     */
    String ttl() default "";

    /**
     * How long a claim holds while the method runs (renewed as it runs): {@code "30s"} or ISO-8601 ({@code "PT30S"});
     * {@code ""} means the default (30s).
     */
    String lease() default "";

    /**
     * The payload expression whose value must match for a replay; {@code ""} means all arguments, and
     * {@code "none"} switches the payload check off (any call with the same key replays).
     */
    String fingerprint() default "";

    /** What a call does while another call holds the same key. */
    OnInProgress onInProgress() default OnInProgress.REJECT;

    /** Exceptions that complete the key like a result: stored and re-thrown on replay instead of releasing the key. */
    Class<? extends Throwable>[] rememberExceptions() default {};
}
