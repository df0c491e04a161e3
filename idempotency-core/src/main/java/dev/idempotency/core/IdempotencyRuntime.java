package dev.idempotency.core;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.OnInProgress;
import dev.idempotency.internal.IdempotencyEngine;
import dev.idempotency.internal.MethodPlan;
import dev.idempotency.spi.IdempotencyStore;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A runtime as an object: its configuration, its store, its lease renewals, its plans. Build one, use it, close it;
 * several can run side by side (tests, frameworks, one per tenant). The annotation routes use the process-wide one,
 * {@link Idempotency#runtime()}.
 *
 * <p>Code that is not a method to annotate (a message consumer, a scheduled job, a block inside a method) makes
 * itself idempotent here, with the annotation's semantics and the same engine:
 *
 * <pre>{@code
 * Receipt receipt = runtime.call("payments.transfer", request.requestId(), Receipt.class)
 *         .payload(request)                        // refused with IdempotencyKeyReuseException if it differs
 *         .onInProgress(OnInProgress.WAIT)
 *         .run(() -> transfer(request));           // runs once per key; later calls get an equal copy
 * }</pre>
 *
 * <p>A runtime of its own, e.g. in a test:
 *
 * <pre>{@code
 * try (IdempotencyRuntime runtime = IdempotencyRuntime.create(IdempotencyConfig.builder()
 *         .storeUri("memory:")
 *         .build())) {
 *     String first = runtime.call("greetings", "k-1", String.class).run(() -> "hello " + counter.incrementAndGet());
 *     String again = runtime.call("greetings", "k-1", String.class).run(() -> "hello " + counter.incrementAndGet());
 *     assertEquals(first, again);   // the body ran once
 * }
 * }</pre>
 *
 * <p>A runtime is thread-safe: one instance serves every thread. Each call shape (namespace, result type, options,
 * calling class) is planned once and kept for the runtime's life.
 */
public final class IdempotencyRuntime implements AutoCloseable {

    /** The process-wide runtime, as seen through {@link Idempotency#runtime()}: it is never closed from here. */
    static final IdempotencyRuntime PROCESS_WIDE = new IdempotencyRuntime(null);

    private final IdempotencyEngine own;
    private final ConcurrentHashMap<PlanKey, MethodPlan> plans = new ConcurrentHashMap<>();

    private IdempotencyRuntime(IdempotencyEngine own) {
        this.own = own;
    }

    /**
     * A runtime of its own, independent of the process-wide one. Its store is created now, from the configuration;
     * a store instance handed to the builder is closed when this runtime is closed. Close the runtime when done with
     * it: it owns its lease-renewal threads and its store.
     *
     * @param config the configuration; not {@code null}
     * @return a new runtime
     * @throws IdempotencyConfigurationException if {@code config} is {@code null}, or no store provider accepts its
     *                                           store URI or it is malformed
     */
    public static IdempotencyRuntime create(IdempotencyConfig config) {
        if (config == null) {
            throw new IdempotencyConfigurationException("the configuration must not be null", null, null);
        }
        return new IdempotencyRuntime(IdempotencyEngine.create(config));
    }

    IdempotencyEngine engine() {
        return own != null ? own : dev.idempotency.bridge.ProcessRuntime.engine();
    }

    /**
     * The configuration this runtime runs with. For the process-wide runtime, the one in use now (built from the
     * environment if nothing was configured yet).
     *
     * @return the configuration
     */
    public IdempotencyConfig config() {
        return engine().config();
    }

    /**
     * The store this runtime uses, e.g. for a health check or an operator's tool. Calls go through the runtime; a
     * record written to the store directly bypasses the runtime's checks.
     *
     * @return the store, owned by this runtime: do not close it
     */
    public IdempotencyStore store() {
        return engine().store();
    }

    /**
     * A call to make idempotent. Nothing runs and the key is not checked until {@link IdempotentCall#run} or
     * {@link IdempotentCall#call}.
     *
     * @param <T>        the result type
     * @param namespace  keys are unique within it; name the operation, e.g. {@code payments.transfer}
     * @param key        the caller's idempotency key; refused with {@code IdempotencyKeyException} if null, blank,
     *                   longer than 255 characters or malformed, before the body runs
     * @param resultType the body's result type, by which results are stored and read back ({@code Void.class} for
     *                   none); a type that cannot be read back, such as {@code Object}, is refused when the call
     *                   runs
     * @return the call, to set its options on and run; make a new one per call
     * @throws IdempotencyConfigurationException if the namespace is {@code null} or blank, or the result type is
     *                                           {@code null}
     */
    public <T> IdempotentCall<T> call(String namespace, String key, Class<T> resultType) {
        if (resultType == null) {
            throw new IdempotencyConfigurationException("the result type must not be null", namespace, null);
        }
        return new IdempotentCall<>(this, checkNamespace(namespace), key, resultType);
    }

    /**
     * A call whose result type is generic, e.g. {@code new ResultType<List<Order>>() {}}; otherwise as
     * {@link #call(String, String, Class)}.
     *
     * @param <T>        the result type
     * @param namespace  keys are unique within it; name the operation, e.g. {@code orders.import}
     * @param key        the caller's idempotency key, checked when the call runs
     * @param resultType the body's full generic result type, by which results are stored and read back
     * @return the call, to set its options on and run
     * @throws IdempotencyConfigurationException if the namespace is {@code null} or blank, or the result type is
     *                                           {@code null}
     */
    public <T> IdempotentCall<T> call(String namespace, String key, ResultType<T> resultType) {
        if (resultType == null) {
            throw new IdempotencyConfigurationException("the result type must not be null", namespace, null);
        }
        return new IdempotentCall<>(this, checkNamespace(namespace), key, resultType.type());
    }

    private static String checkNamespace(String namespace) {
        if (namespace == null || namespace.isBlank()) {
            throw new IdempotencyConfigurationException("the namespace must not be blank, but was "
                    + (namespace == null ? "null" : "'" + namespace + "'"), namespace, null);
        }
        return namespace;
    }

    /** Plans are worked out once per distinct call shape (namespace, type, options, calling class) and kept. */
    MethodPlan plan(String namespace, Type type, Duration ttl, Duration lease, OnInProgress onInProgress,
                    List<Class<? extends Throwable>> remember, Class<?> context) {
        PlanKey key = new PlanKey(namespace, type, ttl, lease, onInProgress, remember, context);
        MethodPlan plan = plans.get(key);
        if (plan == null) {
            @SuppressWarnings("unchecked")
            Class<? extends Throwable>[] types = remember.toArray(new Class[0]);
            plan = MethodPlan.programmatic(namespace, type, ttl, lease, onInProgress, types, context);
            plans.putIfAbsent(key, plan);
        }
        return plan;
    }

    private record PlanKey(String namespace, Type type, Duration ttl, Duration lease, OnInProgress onInProgress,
                           List<Class<? extends Throwable>> remember, Class<?> context) {
    }

    /**
     * Closes a runtime made by {@link #create}: its lease renewals stop and its store is closed. The process-wide
     * runtime is not closed here but by {@link Idempotency#reset()}.
     *
     * @throws UnsupportedOperationException if this is the process-wide runtime ({@link Idempotency#runtime()})
     */
    @Override
    public void close() {
        if (own == null) {
            throw new UnsupportedOperationException("the process-wide runtime is replaced with Idempotency.configure"
                    + " and closed with Idempotency.reset()");
        }
        own.close();
    }

    @Override
    public String toString() {
        return own == null ? "IdempotencyRuntime(process-wide)" : "IdempotencyRuntime(" + own.config() + ")";
    }
}
