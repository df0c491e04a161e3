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
     * {@code IdempotencyKeyReuseException}. Without a payload, the check is off (any payload replays).
     */
    public IdempotentCall<T> payload(Object payload) {
        this.payload = payload;
        this.hasPayload = true;
        return this;
    }

    /** How long the result is remembered; default the runtime's {@code defaultTtl}. */
    public IdempotentCall<T> ttl(Duration ttl) {
        this.ttl = positive("ttl", ttl);
        return this;
    }

    /** How long a claim holds while the body runs (renewed meanwhile); default the runtime's {@code defaultLease}. */
    public IdempotentCall<T> lease(Duration lease) {
        this.lease = positive("lease", lease);
        return this;
    }

    /** {@code REJECT} (default): a concurrent call fails at once; {@code WAIT}: it waits for the first one's result. */
    public IdempotentCall<T> onInProgress(OnInProgress onInProgress) {
        this.onInProgress = Objects.requireNonNull(onInProgress, "onInProgress");
        return this;
    }

    /** Exceptions stored like a result and re-thrown on replay, instead of giving the key up. */
    @SafeVarargs
    public final IdempotentCall<T> remember(Class<? extends Throwable>... types) {
        this.remember = List.of(types);
        return this;
    }

    /** Runs the body once per key; a replay returns an equal copy of the first result without running it. */
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

    /** {@link #run}, for a body that throws checked exceptions. */
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
