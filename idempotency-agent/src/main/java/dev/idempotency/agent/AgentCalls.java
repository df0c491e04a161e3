package dev.idempotency.agent;

import dev.idempotency.bridge.Invocation;

/**
 * What instrumented code calls. The inlined advice hands every call of an {@code @Idempotent} method to
 * {@link #begin} at once; {@link #prepare} compiles a class's plans when the class is initialized or first
 * instantiated, so that a bad annotation is reported then rather than at its first call.
 *
 * <p>Public only because instrumented classes in any package call it; it is not an API.
 */
public final class AgentCalls {

    /**
     * The compiled plans of each instrumented class, found by the class constant and the method's name and
     * descriptor, which the advice passes as constants: a class-value read and a hash lookup per call, no reflection.
     */
    private static final ClassValue<PlanTable> PLANS = new ClassValue<>() {
        @Override
        protected PlanTable computeValue(Class<?> type) {
            return PlanTable.of(type);
        }
    };

    /** Where {@link #prepare} reports its time; set when the agent is installed. */
    static volatile TransformLog log;

    private AgentCalls() {
    }

    /**
     * The first half of a call: see {@link dev.idempotency.bridge.WovenMethod#begin}. Throws the library's exceptions when the call
     * must not run (a bad key, a reused key, a key in progress, the store down, a bad annotation or configuration).
     *
     * @param type   the class that declares the method
     * @param method the method's name and descriptor, e.g. {@code text(Ljava/lang/String;)Ljava/lang/String;}
     * @param args   the call's arguments
     */
    public static Invocation begin(Class<?> type, String method, Object[] args) {
        if (!ApplicationSettings.settled) {
            ApplicationSettings.settle(type);
        }
        return PLANS.get(type).method(method).begin(args);
    }

    /** Compiles the class's plans now (once); a bad annotation is logged, naming the method. Never throws. */
    public static void prepare(Class<?> type) {
        long started = System.nanoTime();
        try {
            PLANS.get(type);
            TransformLog current = log;
            if (current != null) {
                current.prepareNanos.add(System.nanoTime() - started);
            }
        } catch (Throwable t) {
            AgentOutput.error("could not compile the @Idempotent plans of " + type.getName() + ": " + t
                    + "; its methods will report this when called");
        }
    }
}
