package dev.idempotency.agent;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.bridge.WovenMethod;
import java.lang.annotation.Annotation;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;

/** The compiled plans of one class's {@code @Idempotent} methods, by name and descriptor. */
final class PlanTable {

    static final String IDEMPOTENT = "dev.idempotency.Idempotent";

    private final Class<?> type;
    private final Map<String, WovenMethod> plans;
    /** Methods the agent refuses although their plan compiled: see {@link ForeignDatabindAnnotations}. */
    private final Map<String, IdempotencyConfigurationException> refused;

    private PlanTable(Class<?> type, Map<String, WovenMethod> plans,
            Map<String, IdempotencyConfigurationException> refused) {
        this.type = type;
        this.plans = plans;
        this.refused = refused;
    }

    static PlanTable of(Class<?> type) {
        Map<String, WovenMethod> plans = new HashMap<>();
        Map<String, IdempotencyConfigurationException> refused = new HashMap<>();
        for (Method method : type.getDeclaredMethods()) {
            if (isInstrumented(method)) {
                plans.put(key(method), WovenMethod.of(method));
                IdempotencyConfigurationException refusal = ForeignDatabindAnnotations.check(method);
                if (refusal != null) {
                    refused.put(key(method), refusal);
                    AgentOutput.error(refusal.getMessage() + "; every call of this method will refuse to run");
                }
            }
        }
        return new PlanTable(type, plans, refused);
    }

    /** The methods the agent instruments: those annotated (by name), with a body, written by the programmer. */
    static boolean isInstrumented(Method method) {
        int modifiers = method.getModifiers();
        if (Modifier.isAbstract(modifiers) || Modifier.isNative(modifiers) || method.isBridge() || method.isSynthetic()) {
            return false;
        }
        for (Annotation annotation : method.getDeclaredAnnotations()) {
            if (annotation.annotationType().getName().equals(IDEMPOTENT)) {
                return true;
            }
        }
        return false;
    }

    /** The name and descriptor, as the advice's {@code @Advice.Origin("#m#d")} constant spells them. */
    static String key(Method method) {
        return method.getName()
                + MethodType.methodType(method.getReturnType(), method.getParameterTypes()).toMethodDescriptorString();
    }

    WovenMethod method(String method) {
        IdempotencyConfigurationException refusal = refused.get(method);
        if (refusal != null) {
            throw new IdempotencyConfigurationException(refusal.getMessage(), refusal.getNamespace(), null);
        }
        WovenMethod woven = plans.get(method);
        if (woven == null) {
            // cannot happen while the advice and this table agree on which methods are instrumented; refuse to run
            throw new IdempotencyConfigurationException("the idempotency agent has no plan for " + type.getName()
                    + "." + method + ", so it refuses to run it", null, null);
        }
        return woven;
    }
}
