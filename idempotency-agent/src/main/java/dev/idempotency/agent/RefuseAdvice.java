package dev.idempotency.agent;

import net.bytebuddy.asm.Advice;

/**
 * Inlined instead of {@link IdempotentAdvice} into classes whose class loader cannot see the agent's own classes
 * (an isolated loader that does not delegate to the system class loader): such a method cannot be protected, so it
 * refuses to run rather than run without deduplication. Only JDK types are used, as only they are sure to be visible.
 */
final class RefuseAdvice {

    private RefuseAdvice() {
    }

    @Advice.OnMethodEnter
    static void enter(@Advice.Origin("#t.#m#s") String method) {
        throw new IllegalStateException("@Idempotent ".concat(method).concat(" refuses to run: its class loader"
                + " cannot see the idempotency agent's classes (dev.idempotency.*), so it cannot be made idempotent;"
                + " let that loader delegate dev.idempotency.* to the system class loader"));
    }
}
