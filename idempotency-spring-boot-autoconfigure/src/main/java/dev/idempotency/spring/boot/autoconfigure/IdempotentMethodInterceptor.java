package dev.idempotency.spring.boot.autoconfigure;

import dev.idempotency.bridge.WovenMethod;
import java.lang.reflect.Method;
import java.util.concurrent.ConcurrentHashMap;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Runs a proxied call of an {@code @Idempotent} method through the engine exactly as the aspect does: the method's
 * compiled plan ({@link WovenMethod}, keyed by the class's own method, so the namespace and the records are the same
 * whichever way a method is protected) on the process-wide runtime, with the rest of the advice chain as its body.
 */
final class IdempotentMethodInterceptor implements MethodInterceptor {

    private record Site(Method invoked, Class<?> target) {
    }

    private final ObjectProvider<ProcessRuntimeInstallation> installation;
    private final ConcurrentHashMap<Site, WovenMethod> methods = new ConcurrentHashMap<>();
    private volatile boolean installed;

    IdempotentMethodInterceptor(ObjectProvider<ProcessRuntimeInstallation> installation) {
        this.installation = installation;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        if (!installed) {
            // a bean may call an advised method while the context starts, before the installation bean would have
            // been created: the context's runtime, never one built from the environment, answers the first call
            installation.getObject();
            installed = true;
        }
        Object target = invocation.getThis();
        Site site = new Site(invocation.getMethod(), target == null ? null : target.getClass());
        WovenMethod method = methods.get(site);
        if (method == null) {
            method = methods.computeIfAbsent(site, s -> WovenMethod.of(
                    s.target() == null ? s.invoked() : AopUtils.getMostSpecificMethod(s.invoked(), s.target())));
        }
        return method.execute(invocation.getArguments(), invocation::proceed);
    }
}
