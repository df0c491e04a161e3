package dev.idempotency.core;

import dev.idempotency.bridge.ProcessRuntime;

/**
 * The process-wide runtime behind every {@code @Idempotent} method, woven by the aspect or by the agent.
 * Unless configured in code, it is built on first use from {@link IdempotencyConfig#fromEnvironment()}.
 */
public final class Idempotency {

    private Idempotency() {
    }

    /**
     * Replaces the runtime: creates the configured store now (so a bad URI or an unreachable server fails here).
     * Calls already running finish on the previous runtime, which is closed with its store once they are done (its
     * store is kept open if the new configuration hands over the same instance).
     */
    public static void configure(IdempotencyConfig config) {
        ProcessRuntime.install(config);
    }

    /** The configuration in use, building it from the environment if nothing was configured yet. */
    public static IdempotencyConfig config() {
        return ProcessRuntime.engine().config();
    }

    /**
     * The process-wide runtime, for the programmatic API: {@code Idempotency.runtime().call(…).run(…)}. It follows
     * {@link #configure} and {@link #reset}; for a runtime of your own, use {@link IdempotencyRuntime#create}.
     */
    public static IdempotencyRuntime runtime() {
        return IdempotencyRuntime.PROCESS_WIDE;
    }

    /**
     * Whether calls of this {@code @Idempotent} method go through the runtime: true when its class was woven by the
     * aspect (compile or load time) or instrumented by the agent; false when it runs unprotected (built without the
     * weaving plugin and started without the agent). One line for an application's own tests:
     * {@code assertTrue(Idempotency.isProtected(Payments.class.getMethod("pay", PayRequest.class)))}.
     *
     * @throws IllegalArgumentException if the method is not annotated {@code @Idempotent}
     */
    public static boolean isProtected(java.lang.reflect.Method method) {
        return dev.idempotency.bridge.Protection.of(method) != null;
    }

    /** Closes the runtime; the next call builds a new one from the environment. */
    public static void reset() {
        ProcessRuntime.reset();
    }
}
