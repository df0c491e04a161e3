package dev.idempotency.spring.boot.autoconfigure;

import dev.idempotency.Idempotent;
import dev.idempotency.bridge.MethodNames;
import dev.idempotency.core.Idempotency;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.util.ClassUtils;

/**
 * Once the beans are created, lists in one warning the {@code @Idempotent} methods of beans that no proxy can reach
 * (private, static, final, or in a final class) and that are not woven or instrumented either: they would run
 * unprotected, silently. The advice is to use the agent or compile-time weaving, which reach every method.
 */
final class UnreachableMethodsReport implements SmartInitializingSingleton {

    private static final Log LOG = LogFactory.getLog("dev.idempotency");

    private final ConfigurableListableBeanFactory beanFactory;
    private volatile List<String> unreachable = List.of();

    UnreachableMethodsReport(ConfigurableListableBeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    @Override
    public void afterSingletonsInstantiated() {
        Set<Class<?>> seen = new LinkedHashSet<>();
        Set<String> found = new LinkedHashSet<>();
        for (String name : beanFactory.getBeanDefinitionNames()) {
            Class<?> type = beanFactory.getType(name, false);
            if (type == null || type.getName().startsWith("org.springframework.")) {
                continue;
            }
            type = ClassUtils.getUserClass(type);
            for (Class<?> c = type; c != null && c != Object.class && seen.add(c); c = c.getSuperclass()) {
                for (Method method : c.getDeclaredMethods()) {
                    if (method.isAnnotationPresent(Idempotent.class) && unreachable(method)) {
                        found.add(MethodNames.describe(method) + " (" + why(method) + ")");
                    }
                }
            }
        }
        unreachable = List.copyOf(found);
        if (!found.isEmpty()) {
            LOG.warn("idempotency: " + found.size() + " @Idempotent method(s) of Spring beans cannot be reached by a"
                    + " Spring AOP proxy and run WITHOUT idempotency: " + String.join(", ", found) + ". Make them"
                    + " public and non-final, or protect them with the agent (-javaagent:idempotency-agent.jar) or"
                    + " compile-time weaving (aspectj-maven-plugin with idempotency-aspect), which reach every method.");
        }
    }

    /** The methods found at start-up, as the warning names them. */
    List<String> unreachable() {
        return unreachable;
    }

    private static boolean unreachable(Method method) {
        return !Idempotency.isProtected(method) && why(method) != null;
    }

    private static String why(Method method) {
        int modifiers = method.getModifiers();
        if (Modifier.isPrivate(modifiers)) {
            return "private";
        }
        if (Modifier.isStatic(modifiers)) {
            return "static";
        }
        if (Modifier.isFinal(modifiers)) {
            return "final";
        }
        if (Modifier.isFinal(method.getDeclaringClass().getModifiers())) {
            return "final class";
        }
        return null;
    }
}
