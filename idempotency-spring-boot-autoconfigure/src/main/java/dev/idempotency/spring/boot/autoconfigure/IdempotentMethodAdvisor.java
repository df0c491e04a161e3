package dev.idempotency.spring.boot.autoconfigure;

import dev.idempotency.Idempotent;
import dev.idempotency.core.Idempotency;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.StaticMethodMatcherPointcutAdvisor;

/**
 * Matches the {@code @Idempotent} methods of Spring beans that a proxy can reach, and advises them with
 * {@link IdempotentMethodInterceptor}. A method whose class was woven by the aspect or instrumented by the agent is
 * left alone: it already goes through the engine, and advising it too would claim its key twice.
 *
 * <p>It takes the order of Spring's transaction advisor (lowest precedence) and its definition is moved after it
 * ({@link AdvisorPlacement}), so that it runs inside a {@code @Transactional} method's transaction, where the
 * woven code of the aspect and the agent runs too: the JDBC store then writes the claim in the application's
 * transaction.
 */
final class IdempotentMethodAdvisor extends StaticMethodMatcherPointcutAdvisor {

    IdempotentMethodAdvisor(IdempotentMethodInterceptor interceptor) {
        super(interceptor);
        setOrder(LOWEST_PRECEDENCE);
    }

    @Override
    public boolean matches(Method method, Class<?> targetClass) {
        if (Modifier.isFinal(targetClass.getModifiers())) {
            return false; // no subclass proxy can be made: listed by UnreachableMethodsReport instead
        }
        return advisable(AopUtils.getMostSpecificMethod(method, targetClass));
    }

    /** Annotated where the body is, reachable through a proxy, and not already protected by weaving. */
    static boolean advisable(Method method) {
        if (!method.isAnnotationPresent(Idempotent.class)) {
            return false;
        }
        int modifiers = method.getModifiers();
        return !Modifier.isStatic(modifiers) && !Modifier.isPrivate(modifiers) && !Modifier.isFinal(modifiers)
                && !Idempotency.isProtected(method);
    }
}
