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
 *
 * @Idempotent(key = "'refund:' + #orderNo", ttl = "7d", onInProgress = OnInProgress.WAIT,
 *             rememberExceptions = InsufficientFundsException.class)
 * public Refund refund(String orderNo, Money amount) { ... }
 *
 * // the key from the request's header, bound by the web layer (e.g. the servlet filter)
 * @Idempotent(key = "#headers['Idempotency-Key']", fingerprint = "#order")
 * public OrderId placeOrder(Order order) { ... }
 * }</pre>
 *
 * <p>The annotation does nothing by itself: the method's class must be woven by the aspect ({@code idempotency-aspect},
 * at compile or load time) or instrumented by the agent ({@code idempotency-agent}); with the Spring Boot starter, a
 * Spring AOP advisor runs public methods of Spring beans, called from outside the bean, the same way. An application's
 * tests can check that it happened with {@code Idempotency.isProtected(Method)} in {@code idempotency-core}.
 *
 * <p>What a call does depends on the record its key finds in the store:
 * <ul>
 *   <li>none (or expired): the call claims the key, runs the method and records its result for {@link #ttl()}. If
 *       the method throws, the key is given up, so a retry runs it again, unless the exception is one of
 *       {@link #rememberExceptions()}.</li>
 *   <li>completed, same payload: the method does not run; the call returns an equal copy of the recorded result
 *       (decoded from JSON by the method's declared generic return type) or re-throws the remembered exception.</li>
 *   <li>completed, another payload: {@link IdempotencyKeyReuseException}.</li>
 *   <li>in progress: as {@link #onInProgress()} says.</li>
 * </ul>
 *
 * <p>Key and fingerprint expressions are a small subset of SpEL syntax, compiled once per method:
 * {@code #name} (a parameter by name), {@code #p0}/{@code #a0} (by index), property paths ({@code #req.orderNo},
 * any depth: getter, {@code is} getter, record component, public field), {@code 'text'} literals and {@code +}
 * concatenation; in a key also {@code a ?: b} (b when a is null or empty) and {@code #contentHash(...)}
 * (as {@link IdempotencyKeys#contentHash}); {@code #headers['Name']} and {@code #principal} read the request bound
 * to the calling thread by a web layer. Anything else is an {@link IdempotencyConfigurationException} before the
 * body can run.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Documented
public @interface Idempotent {

    /**
     * The key expression, e.g. {@code "#orderId"}, {@code "'transfer:' + #req.userId + ':' + #req.requestId"}.
     * Evaluated on every call, before the body; a key that is {@code null}, blank, longer than 255 characters or holds
     * control characters is refused with {@link IdempotencyKeyException}.
     *
     * @return the key expression
     */
    String key();

    /**
     * Groups keys: equal keys in different namespaces are different records. Methods that must share records (two
     * entry points to one operation) name the same namespace.
     *
     * @return the namespace; {@code ""} (the default) means the method itself: the declaring class's binary name, the
     *         method's name and its parameter types, e.g.
     *         {@code com.acme.TransferService.transfer(com.acme.TransferRequest)}, so that overloads never share
     *         records; renaming or moving such a method starts a new namespace
     */
    String namespace() default "";

    /**
     * How long a result is remembered: {@code "10m"}, {@code "24h"}, {@code "7d"} or ISO-8601 ({@code "PT10M"});
     * {@code ""} means the configured default (1h).
     *
     * @return the time to live of a completed record, as text
     */
    String ttl() default "";

    /**
     * How long a claim holds while the method runs (renewed as it runs): {@code "30s"} or ISO-8601 ({@code "PT30S"});
     * {@code ""} means the configured default (30s). A holder that dies stops renewing; once its lease has run out,
     * another call may take the key over and run the method.
     *
     * @return the lease of a claim, as text
     */
    String lease() default "";

    /**
     * The payload expression whose value must match for a replay; {@code ""} means all arguments, and
     * {@code "none"} switches the payload check off (any call with the same key replays). Payloads are compared by
     * their canonical form (typed, map entries and set elements sorted, numbers by value), stored as its SHA-256
     * hash.
     *
     * @return the fingerprint expression, {@code ""} or {@code "none"}
     */
    String fingerprint() default "";

    /**
     * What a call does while another call holds the same key.
     *
     * @return {@link OnInProgress#REJECT} (the default) or {@link OnInProgress#WAIT}
     */
    OnInProgress onInProgress() default OnInProgress.REJECT;

    /**
     * Exceptions that complete the key like a result: stored and re-thrown on replay instead of releasing the key.
     * Name the application's own business failures ({@code InsufficientFundsException}); roots such as
     * {@code Exception} or {@code RuntimeException} and transient JDK failures (I/O, SQL, timeouts) are refused with
     * {@link IdempotencyConfigurationException}, since a passing failure would become the key's final answer.
     *
     * @return the exception types to remember, with their subclasses; empty (the default) for none
     */
    Class<? extends Throwable>[] rememberExceptions() default {};
}
