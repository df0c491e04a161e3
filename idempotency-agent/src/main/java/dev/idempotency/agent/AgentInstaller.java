package dev.idempotency.agent;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Registers the agent's transformer, and on attach retransforms the classes that are loaded already. */
final class AgentInstaller {

    private AgentInstaller() {
    }

    /**
     * Registers the transformer. With {@code retransformLoaded} (dynamic attach, in-process tests), classes that are
     * loaded already and declare {@code @Idempotent} methods are retransformed, their plans compiled first. Without
     * it (premain), Byte Buddy and the codec are warmed up on a thread of their own while the application starts.
     */
    static Installation install(Instrumentation inst, TransformLog log, boolean retransformLoaded) {
        GuardTransformer guard = new GuardTransformer();
        inst.addTransformer(guard, true);
        Installation installation = install(inst, log, retransformLoaded, guard);
        guard.started();
        return installation;
    }

    /** As above, behind a guard that is registered already (premain registers it before anything else). */
    static Installation install(Instrumentation inst, TransformLog log, boolean retransformLoaded,
            GuardTransformer guard) {
        AgentCalls.log = log;
        HttpEntry.inst = inst;
        CandidateTransformer transformer = new CandidateTransformer(inst, log);
        // the classes the filter runs on must be loaded before it is registered, or loading them would call it
        IgnoredPackages.ignores("");
        ClassFileScan.scan(new byte[0]);
        TestFailures.at(TestFailures.TRANSFORMER);
        guard.delegateTo(transformer);
        if (!retransformLoaded) {
            Warmup.start(transformer, log);
        } else {
            transformer.weaver(); // Byte Buddy now, rather than in the middle of a retransformation
            List<Class<?>> loaded = loadedCandidates(inst);
            // Plans first: before Java 19 a retransformed class loses its -parameters names (JDK-8240908), which
            // key expressions such as #orderId need; a plan compiled now keeps them.
            for (Class<?> type : loaded) {
                if (!type.getName().equals("jakarta.servlet.http.HttpServlet")) {
                    AgentCalls.prepare(type);
                }
            }
            List<Class<?>> retransformed = retransform(inst, loaded);
            if (!retransformed.isEmpty() && Runtime.version().feature() < 19) {
                AgentOutput.line("retransformed " + retransformed.size() + " loaded classes; on Java "
                        + Runtime.version().feature() + " that drops their parameter names for reflection"
                        + " (JDK-8240908, fixed in Java 19): their @Idempotent plans were compiled before, but other"
                        + " code that reads those classes' parameter names now sees arg0, arg1, ...");
            }
        }
        return new Installation(inst, guard, log);
    }

    /** Loaded classes outside the ignored packages that declare an {@code @Idempotent} method. */
    static List<Class<?>> loadedCandidates(Instrumentation inst) {
        List<Class<?>> candidates = new ArrayList<>();
        for (Class<?> type : inst.getAllLoadedClasses()) {
            if (type.getName().equals("jakarta.servlet.http.HttpServlet") && type.getClassLoader() != null
                    && inst.isModifiableClass(type)) {
                candidates.add(type); // the filter goes in front of its requests
                continue;
            }
            if (type.getClassLoader() == null || type.isArray() || type.isPrimitive() || type.isHidden()
                    || IgnoredPackages.ignores(type.getName().replace('.', '/')) || !inst.isModifiableClass(type)) {
                continue;
            }
            try {
                for (Method method : type.getDeclaredMethods()) {
                    if (PlanTable.isInstrumented(method)) {
                        candidates.add(type);
                        break;
                    }
                }
            } catch (Throwable unlinkable) {
                // a class whose methods cannot even be listed cannot be called either
            }
        }
        return candidates;
    }

    /** One class at a time, so that one class that cannot be retransformed does not stop the others. */
    private static List<Class<?>> retransform(Instrumentation inst, List<Class<?>> types) {
        List<Class<?>> done = new ArrayList<>();
        for (Class<?> type : types) {
            try {
                inst.retransformClasses(type);
                done.add(type);
            } catch (Throwable t) {
                AgentOutput.error("could not retransform " + type.getName() + ": " + t
                        + "; its @Idempotent methods are NOT protected");
            }
        }
        return done;
    }

    /** The agent's transformer while it is registered; closing it restores the classes' original code. */
    static final class Installation implements AutoCloseable {
        private final Instrumentation inst;
        private final GuardTransformer transformer;
        private final TransformLog log;

        Installation(Instrumentation inst, GuardTransformer transformer, TransformLog log) {
            this.inst = inst;
            this.transformer = transformer;
            this.log = log;
        }

        @Override
        public void close() {
            inst.removeTransformer(transformer);
            Set<String> instrumented = log.changed();
            List<Class<?>> types = new ArrayList<>();
            for (Class<?> type : inst.getAllLoadedClasses()) {
                if (instrumented.contains(type.getName()) && inst.isModifiableClass(type)) {
                    types.add(type);
                }
            }
            retransform(inst, types);
        }
    }
}
