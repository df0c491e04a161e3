package dev.idempotency.benchmarks;

import java.util.concurrent.ConcurrentHashMap;
import org.aspectj.lang.JoinPoint;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;

/**
 * The library's {@code IdempotentAspect} with the engine taken out: the same static-part lookup, the same
 * {@code getArgs()} and the same {@code joinPoint::proceed} closure handed to a method, which only runs the body.
 * The difference between a call woven with this aspect and a plain call is AspectJ's share of the overhead.
 */
@Aspect
public final class PassthroughAspect {

    private final ConcurrentHashMap<JoinPoint.StaticPart, String> plans = new ConcurrentHashMap<>();

    @Around("execution(@dev.idempotency.benchmarks.Passthrough * *(..))")
    public Object around(ProceedingJoinPoint joinPoint) throws Throwable {
        JoinPoint.StaticPart site = joinPoint.getStaticPart();
        String plan = plans.get(site);
        if (plan == null) {
            plan = plans.computeIfAbsent(site, s -> s.getSignature().toLongString());
        }
        return execute(plan, joinPoint.getArgs(), joinPoint::proceed);
    }

    private static Object execute(String plan, Object[] args, Body body) throws Throwable {
        if (plan == null || args == null) {
            throw new IllegalStateException("no plan or no arguments");
        }
        return body.proceed();
    }

    @FunctionalInterface
    interface Body {
        Object proceed() throws Throwable;
    }
}
