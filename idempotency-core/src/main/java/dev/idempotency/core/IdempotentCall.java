package dev.idempotency.core;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.OnInProgress;
import dev.idempotency.internal.Call;
import dev.idempotency.internal.MethodPlan;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * One idempotent call being set up through {@link IdempotencyRuntime#call}: the options mirror the annotation's;
 * {@link #run} or {@link #call} executes it. Not thread-safe; make a new one per call.
 *
 * <pre>{@code
 * Receipt receipt = runtime.call("payments.charge", message.paymentId(), Receipt.class)
 *         .payload(message.charge())                 // another payload under this key: IdempotencyKeyReuseException
 *         .ttl(Duration.ofDays(1))
 *         .onInProgress(OnInProgress.WAIT)           // a concurrent redelivery waits for the first one's result
 *         .remember(CardDeclinedException.class)     // replayed, not retried
 *         .run(() -> payments.charge(message.charge()));
 * }</pre>
 *
 * <p>Running it throws, before the body runs, {@link dev.idempotency.IdempotencyKeyException} for an unusable key,
 * {@link dev.idempotency.IdempotencyKeyReuseException}, {@link dev.idempotency.IdempotencyInProgressException},
 * {@link dev.idempotency.IdempotencyStoreException} or {@link IdempotencyConfigurationException} (a result type that
 * cannot be read back, too broad remembered exceptions, a payload that cannot be fingerprinted), as the annotation's
 * methods do.
 *
 * @param <T> the body's result type
 */
public final class IdempotentCall<T> {

    private final IdempotencyRuntime runtime;
    private final String namespace;
    private final String key;
    private final Type resultType;
    private Object payload;
    private boolean hasPayload;
    private Duration ttl;
    private Duration lease;
    private OnInProgress onInProgress = OnInProgress.REJECT;
    private List<Class<? extends Throwable>> remember = List.of();

    IdempotentCall(IdempotencyRuntime runtime, String namespace, String key, Type resultType) {
        this.runtime = runtime;
        this.namespace = namespace;
        this.key = key;
        this.resultType = resultType;
    }

    /**
     * What must match for a replay: a later call with this key and a different payload is refused with
     * {@code IdempotencyKeyReuseException}. Without a payload, the check is off (any payload replays). The payload is
     * compared by a SHA-256 fingerprint of its canonical form, as the annotation's arguments are.
     *
     * @param payload what identifies the request's content; may be {@code null}, which is a payload like any other
     * @return this call
     */
    public IdempotentCall<T> payload(Object payload) {
        this.payload = payload;
        this.hasPayload = true;
        return this;
    }

    /**
     * How long the result is remembered; default the runtime's {@code defaultTtl}.
     *
     * @param ttl how long the completed record is kept, at least one millisecond
     * @return this call
     * @throws IdempotencyConfigurationException if {@code ttl} is {@code null}, zero, negative or below a millisecond
     */
    public IdempotentCall<T> ttl(Duration ttl) {
        this.ttl = positive("ttl", ttl);
        return this;
    }

    /**
     * How long a claim holds while the body runs (renewed meanwhile); default the runtime's {@code defaultLease}.
     *
     * @param lease the claim's lease, at least one millisecond
     * @return this call
     * @throws IdempotencyConfigurationException if {@code lease} is {@code null}, zero, negative or below a
     *                                           millisecond
     */
    public IdempotentCall<T> lease(Duration lease) {
        this.lease = positive("lease", lease);
        return this;
    }

    /**
     * {@code REJECT} (default): a concurrent call fails at once; {@code WAIT}: it waits for the first one's result.
     *
     * @param onInProgress what this call does while another call holds its key
     * @return this call
     * @throws NullPointerException if {@code onInProgress} is {@code null}
     */
    public IdempotentCall<T> onInProgress(OnInProgress onInProgress) {
        this.onInProgress = Objects.requireNonNull(onInProgress, "onInProgress");
        return this;
    }

    /**
     * Exceptions stored like a result and re-thrown on replay, instead of giving the key up. Replaces the types given
     * before. Roots such as {@code Exception} and transient JDK failures are refused when the call runs.
     *
     * @param types the exception types to remember, with their subclasses
     * @return this call
     * @throws NullPointerException if {@code types} or one of them is {@code null}
     */
    @SafeVarargs
    public final IdempotentCall<T> remember(Class<? extends Throwable>... types) {
        this.remember = List.of(types);
        return this;
    }

    /**
     * Runs the body once per key; a replay returns an equal copy of the first result without running it. An
     * exception of the body gives the key up (a retry runs it again) and is thrown on, unless it is remembered: then
     * it is recorded, thrown, and thrown again by every replay (a remembered checked exception too, undeclared).
     *
     * @param body the work to do once; called on this thread, at most once per run
     * @return the body's result, or an equal copy of the recorded one
     * @throws NullPointerException if {@code body} is {@code null}
     */
    public T run(Supplier<? extends T> body) {
        Objects.requireNonNull(body, "body");
        try {
            return execute(body, body::get);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw Call.sneaky(t); // a remembered checked exception, re-thrown as it was stored
        }
    }

    /**
     * {@link #run}, for a body that throws checked exceptions.
     *
     * @param body the work to do once; called on this thread, at most once per call
     * @return the body's result, or an equal copy of the recorded one
     * @throws Exception            what the body threw, or a remembered exception on replay
     * @throws NullPointerException if {@code body} is {@code null}
     */
    public T call(Callable<? extends T> body) throws Exception {
        Objects.requireNonNull(body, "body");
        try {
            return execute(body, body::call);
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw Call.sneaky(t);
        }
    }

    @SuppressWarnings("unchecked")
    private T execute(Object body, Callable<? extends T> work) throws Throwable {
        MethodPlan plan = runtime.plan(namespace, resultType, ttl, lease, onInProgress, remember, body.getClass());
        Call call = runtime.engine().begin(plan, key, payload, hasPayload);
        if (call.isReplay()) {
            return (T) call.replay();
        }
        T result;
        try {
            result = work.call();
        } catch (Throwable t) {
            call.failed(t);
            throw t;
        }
        return (T) call.succeeded(result);
    }

    private Duration positive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero() || value.toMillis() == 0) {
            throw new IdempotencyConfigurationException(name + " must be at least one millisecond, but was " + value
                    + " (namespace " + namespace + ")", namespace, key);
        }
        return value;
    }
}
