package dev.idempotency.bridge;

import dev.idempotency.Idempotent;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether an {@code @Idempotent} method will actually go through the engine: woven by AspectJ (at compile or load
 * time), or instrumented by the agent. An application built without the weaving plugin and started without the agent
 * runs its annotated methods unprotected; this lets its own tests prove that it is not so.
 */
public final class Protection {

    /** Classes the agent instrumented, by class loader (weakly: loaders of redeployed applications can go). */
    private static final Map<ClassLoader, Set<String>> INSTRUMENTED = Collections.synchronizedMap(new WeakHashMap<>());
    private static final Set<String> BOOT_INSTRUMENTED = ConcurrentHashMap.newKeySet();

    private Protection() {
    }

    /** Called by the agent for each class it instrumented. */
    public static void instrumented(ClassLoader loader, String className) {
        if (loader == null) {
            BOOT_INSTRUMENTED.add(className);
        } else {
            INSTRUMENTED.computeIfAbsent(loader, l -> ConcurrentHashMap.newKeySet()).add(className);
        }
    }

    /**
     * How the method is protected: {@code "woven"} (an AspectJ around advice: the aspect matches exactly the
     * {@code @Idempotent} methods), {@code "instrumented"} (the agent), or {@code null} when it is not.
     *
     * @throws IllegalArgumentException if the method is not annotated {@code @Idempotent}
     */
    public static String of(Method method) {
        if (!method.isAnnotationPresent(Idempotent.class)) {
            throw new IllegalArgumentException(MethodNames.describe(method) + " is not annotated @Idempotent");
        }
        Class<?> type = method.getDeclaringClass();
        ClassLoader loader = type.getClassLoader();
        Set<String> instrumented = loader == null ? BOOT_INSTRUMENTED : INSTRUMENTED.get(loader);
        if (instrumented != null && instrumented.contains(type.getName())) {
            return "instrumented";
        }
        String woven = method.getName() + "_aroundBody";
        for (Method m : type.getDeclaredMethods()) {
            if (m.getName().startsWith(woven) && m.getParameterCount() >= method.getParameterCount()) {
                return "woven"; // AspectJ moved the body there and calls the aspect instead
            }
        }
        return null;
    }
}
