package dev.idempotency.bridge;

import dev.idempotency.internal.Log;
import dev.idempotency.internal.MethodPlan;
import java.lang.reflect.Method;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@code @Idempotent} method as woven code sees it: its compiled plan, and the way to run a call of it on the
 * process-wide runtime. Plans are compiled once per method and kept with the method's class (a {@link ClassValue}),
 * so they go when the class's loader goes.
 */
public final class WovenMethod {

    private static final ClassValue<ConcurrentHashMap<Method, WovenMethod>> METHODS = new ClassValue<>() {
        @Override
        protected ConcurrentHashMap<Method, WovenMethod> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    private final MethodPlan plan;

    private WovenMethod(MethodPlan plan) {
        this.plan = plan;
    }

    /**
     * The method's plan, compiled on first use. A bad annotation does not throw here: it is logged once, naming the
     * method, and every call refuses to run with it.
     */
    public static WovenMethod of(Method method) {
        ConcurrentHashMap<Method, WovenMethod> methods = METHODS.get(method.getDeclaringClass());
        WovenMethod woven = methods.get(method);
        return woven != null ? woven : methods.computeIfAbsent(method, WovenMethod::compile);
    }

    private static WovenMethod compile(Method method) {
        MethodPlan plan = MethodPlan.compile(method);
        if (plan.failure() != null) {
            Log.LOGGER.log(System.Logger.Level.ERROR, "idempotency: " + plan.failure().getMessage()
                    + "; every call of this method will refuse to run");
        }
        return new WovenMethod(plan);
    }

    /** Runs one call: the body runs at most once per key; a replay returns the recorded outcome. */
    public Object execute(Object[] args, Proceed body) throws Throwable {
        return ProcessRuntime.engine().execute(plan, args, body);
    }

    /**
     * The first half of a call, for code that runs the body itself. Throws the library's exceptions when the call
     * must not run (a bad key, a reused key, a key in progress, the store down, a bad annotation or configuration).
     */
    public Invocation begin(Object[] args) {
        return ProcessRuntime.engine().begin(plan, args);
    }

    /** The plan, for the library's own benchmarks and tests of the engine. */
    public MethodPlan plan() {
        return plan;
    }
}
