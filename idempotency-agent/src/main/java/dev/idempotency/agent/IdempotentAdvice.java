package dev.idempotency.agent;

import dev.idempotency.bridge.Invocation;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Inlined into every {@code @Idempotent} method: on entry the engine claims the key (or finds its record, and the
 * body is skipped), on exit it records the outcome or replays the stored one. Only the method's code changes, no
 * field or method is added, so the advice can be applied by retransformation too. Keep it to a few lines of plain
 * code (no lambdas, no string concatenation): it is copied into classes of any class file version.
 */
final class IdempotentAdvice {

    private IdempotentAdvice() {
    }

    /** Returns true to skip the body: the key has a completed record to replay. */
    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static boolean enter(@Advice.Origin Class<?> type,
                         @Advice.Origin("#m#d") String method,
                         @Advice.AllArguments Object[] args,
                         @Advice.Local("call") Invocation call) {
        call = AgentCalls.begin(type, method, args);
        return call.isReplay();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, backupArguments = false)
    static void exit(@Advice.Local("call") Invocation call,
                     @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object result,
                     @Advice.Thrown Throwable thrown) throws Throwable {
        if (call.isReplay()) {
            result = call.replay();
        } else if (thrown == null) {
            result = call.succeeded(result);
        } else {
            call.failed(thrown);
        }
    }
}
