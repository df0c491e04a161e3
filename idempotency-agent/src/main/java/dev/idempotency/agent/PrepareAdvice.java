package dev.idempotency.agent;

import net.bytebuddy.asm.Advice;

/**
 * Inlined at the start of the static initializer (where the class has one) and of every constructor of a class with
 * {@code @Idempotent} methods: compiles the class's plans once, so that a bad annotation is reported when the class
 * is first used, not at the method's first call. It only changes existing code, so retransformation stays legal.
 */
final class PrepareAdvice {

    private PrepareAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.Origin Class<?> type) {
        AgentCalls.prepare(type);
    }
}
