package dev.idempotency.bridge;

/**
 * One call of an {@code @Idempotent} method, begun by {@link WovenMethod#begin}: either a replay of a recorded
 * outcome, or a claim that the caller must end by reporting how the method body ended. For instrumented code that
 * cannot hand the engine a body to run (the agent's inlined advice).
 */
public abstract class Invocation {

    /** Only the engine makes invocations. */
    protected Invocation() {
    }

    /** True when the key's outcome is recorded: do not run the body, return {@link #replay()} instead. */
    public abstract boolean isReplay();

    /** The recorded outcome: returns the result, or throws the remembered exception. */
    public abstract Object replay() throws Throwable;

    /** The body returned this result: records it; returns what the caller must return (e.g. a wrapped future). */
    public abstract Object succeeded(Object result);

    /** The body threw: records or releases the claim, by the method's rules. */
    public abstract void failed(Throwable error);
}
