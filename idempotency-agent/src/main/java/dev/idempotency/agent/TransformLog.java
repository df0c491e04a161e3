package dev.idempotency.agent;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the agent did: which classes it instrumented, how many it was offered and how many it looked into. Errors are
 * always reported; with {@code -Didempotency.agent.debug=true} (or the agent argument {@code debug=true}) each
 * instrumented class is reported as it happens, and a summary when the JVM exits.
 */
final class TransformLog {

    static final String DEBUG_PROPERTY = "idempotency.agent.debug";

    private final boolean debug;
    /** Classes the JVM offered to the agent (defined or retransformed), outside the boot loader. */
    final LongAdder offered = new LongAdder();
    /** Time spent in the agent's transformer, filtering and instrumenting. */
    final LongAdder nanos = new LongAdder();
    /** Time spent in {@link AgentCalls#prepare}: class initializers and constructors of instrumented classes. */
    final LongAdder prepareNanos = new LongAdder();
    /** Of those, the classes outside the ignored packages, whose constant pool was walked. */
    final LongAdder scanned = new LongAdder();
    /** Of those, the classes whose constant pool names {@code @Idempotent}: handed to the weaver. */
    final LongAdder named = new LongAdder();
    /** Of those, the classes {@link InlineAdvice} left to Byte Buddy. */
    final LongAdder byByteBuddy = new LongAdder();
    private final Set<String> instrumented = ConcurrentHashMap.newKeySet();
    private final Set<String> wovenByAspect = ConcurrentHashMap.newKeySet();
    /** The servlet API's {@code HttpServlet}, once per loader, with the filter put in front of it. */
    private final Set<String> servlets = ConcurrentHashMap.newKeySet();

    TransformLog(boolean debug) {
        this.debug = debug;
    }

    boolean debug() {
        return debug;
    }

    void instrumented(String name, int methods, boolean retransformed) {
        if (instrumented.add(name) && debug) {
            AgentOutput.line("debug: instrumented " + name + " (" + methods + " @Idempotent "
                    + (methods == 1 ? "method" : "methods") + (retransformed ? ", retransformed" : "") + ")");
        }
    }

    /** The servlet API's {@code HttpServlet}, with the idempotency filter put in front of its requests. */
    void servlet(String name, ClassLoader loader) {
        if (servlets.add(name + "@" + System.identityHashCode(loader)) && debug) {
            AgentOutput.line("debug: requests to the servlets of " + loader + " go through the idempotency filter");
        }
    }

    /** A class that {@link InlineAdvice} leaves to Byte Buddy, and why. */
    void byteBuddy(String internalName, RuntimeException reason) {
        byByteBuddy.increment();
        if (debug) {
            AgentOutput.line("debug: " + internalName.replace('/', '.') + " is woven by Byte Buddy: " + reason);
        }
    }

    void wovenByAspect(String internalName) {
        String name = internalName.replace('/', '.');
        if (wovenByAspect.add(name)) {
            AgentOutput.line("leaves " + name + " to the AspectJ aspect it was woven with");
        }
    }

    /** The names of the classes instrumented so far. */
    Set<String> instrumented() {
        return Set.copyOf(instrumented);
    }

    /** The names of every class the agent changed: those instrumented, and {@code HttpServlet}. */
    Set<String> changed() {
        Set<String> all = new TreeSet<>(instrumented);
        for (String servlet : servlets) {
            all.add(servlet.substring(0, servlet.indexOf('@')));
        }
        return all;
    }

    String summary() {
        Set<String> names = new TreeSet<>(instrumented);
        return "instrumented " + names.size() + (names.size() == 1 ? " class" : " classes")
                + (names.isEmpty() ? "" : ": " + String.join(", ", names))
                + " (offered " + offered.sum() + " classes, scanned " + scanned.sum() + " outside ignored packages, "
                + named.sum() + " naming @Idempotent, " + wovenByAspect.size() + " left to the aspect; "
                + nanos.sum() / 1_000_000 + " ms in the transformer, " + prepareNanos.sum() / 1_000_000
                + " ms in initializers compiling plans" + (byByteBuddy.sum() == 0 ? "" : "; "
                + byByteBuddy.sum() + " woven by Byte Buddy") + (servlets.isEmpty() ? "" : "; the filter in front of "
                + servlets.size() + " servlet " + (servlets.size() == 1 ? "API" : "APIs")) + ")";
    }

    /** Prints {@link #summary()} when the JVM exits, in debug mode. */
    void summarizeAtExit() {
        if (debug) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> AgentOutput.line("debug: " + summary()),
                    "idempotency-agent-summary"));
        }
    }
}
