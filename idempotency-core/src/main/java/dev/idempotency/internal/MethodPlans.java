package dev.idempotency.internal;

import java.lang.reflect.Method;
import java.util.concurrent.ConcurrentHashMap;

/** The compiled plans, one per method, made on first use (or at class load by the agent) and kept. */
public final class MethodPlans {

    private static final System.Logger LOG = System.getLogger("dev.idempotency");
    private static final ConcurrentHashMap<Method, MethodPlan> PLANS = new ConcurrentHashMap<>();

    private MethodPlans() {
    }

    public static MethodPlan of(Method method) {
        MethodPlan plan = PLANS.get(method);
        return plan != null ? plan : PLANS.computeIfAbsent(method, MethodPlans::compile);
    }

    private static MethodPlan compile(Method method) {
        MethodPlan plan = MethodPlan.compile(method);
        if (plan.failure != null) {
            LOG.log(System.Logger.Level.ERROR, "idempotency: " + plan.failure.getMessage()
                    + "; every call of this method will refuse to run");
        }
        return plan;
    }
}
