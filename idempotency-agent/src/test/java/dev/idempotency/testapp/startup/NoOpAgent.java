package dev.idempotency.testapp.startup;

import java.lang.instrument.Instrumentation;

/** A javaagent that does nothing: what any {@code -javaagent} costs, for {@link AgentStartupTimer}. */
public final class NoOpAgent {

    private NoOpAgent() {
    }

    public static void premain(String arguments, Instrumentation inst) {
        // nothing: the JVM's own cost of an agent (the instrument library, opening the jar) is what is measured
    }
}
