package dev.idempotency.aspect;

import dev.idempotency.bridge.WovenMethod;
import java.util.concurrent.ConcurrentHashMap;
import org.aspectj.lang.JoinPoint;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;
import org.aspectj.lang.reflect.MethodSignature;

/**
 * Weaves every method annotated {@code @Idempotent}, on {@code execution}, so private methods and self-calls are
 * covered too. It finds the method's compiled plan and hands the call to the engine; nothing else happens here.
 */
@Aspect
public final class IdempotentAspect {

    /** Join point static parts are one object per woven method: an identity lookup, no reflection per call. */
    private final ConcurrentHashMap<JoinPoint.StaticPart, WovenMethod> methods = new ConcurrentHashMap<>();

    @Around("execution(@dev.idempotency.Idempotent * *(..))")
    public Object around(ProceedingJoinPoint joinPoint) throws Throwable {
        JoinPoint.StaticPart site = joinPoint.getStaticPart();
        WovenMethod method = methods.get(site);
        if (method == null) {
            method = methods.computeIfAbsent(site,
                    s -> WovenMethod.of(((MethodSignature) s.getSignature()).getMethod()));
        }
        return method.execute(joinPoint.getArgs(), joinPoint::proceed);
    }
}
