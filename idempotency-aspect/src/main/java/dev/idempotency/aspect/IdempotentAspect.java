package dev.idempotency.aspect;

import dev.idempotency.internal.IdempotencyEngine;
import dev.idempotency.internal.MethodPlan;
import dev.idempotency.internal.MethodPlans;
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
    private final ConcurrentHashMap<JoinPoint.StaticPart, MethodPlan> plans = new ConcurrentHashMap<>();

    @Around("execution(@dev.idempotency.Idempotent * *(..))")
    public Object around(ProceedingJoinPoint joinPoint) throws Throwable {
        JoinPoint.StaticPart site = joinPoint.getStaticPart();
        MethodPlan plan = plans.get(site);
        if (plan == null) {
            plan = plans.computeIfAbsent(site,
                    s -> MethodPlans.of(((MethodSignature) s.getSignature()).getMethod()));
        }
        return IdempotencyEngine.current().execute(plan, joinPoint.getArgs(), joinPoint::proceed);
    }
}
