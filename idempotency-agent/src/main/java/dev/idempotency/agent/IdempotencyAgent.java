package dev.idempotency.agent;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.bridge.ProcessRuntime;
import dev.idempotency.bridge.Settings;
import dev.idempotency.spi.Options;
import java.lang.instrument.Instrumentation;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The javaagent: {@code java -javaagent:idempotency-agent.jar[=store=...,ttl=...,lease=...] -jar app.jar}, or
 * attached to a running JVM. It configures the runtime from its arguments (then system properties, environment,
 * {@code idempotency.properties}), prints one line saying which store is in use, and instruments every
 * {@code @Idempotent} method.
 *
 * <p>It never stops the application from starting: a bad configuration is reported in that one line, and every
 * {@code @Idempotent} method then refuses to run with {@code IdempotencyConfigurationException} instead of running
 * without protection.
 *
 * <pre>{@code
 * java -javaagent:idempotency-agent.jar=store=redis://127.0.0.1:6379,ttl=PT10M,lease=PT20S -jar app.jar
 * }</pre>
 *
 * <p>The arguments are {@code name=value} pairs separated by commas: {@code store}, {@code ttl}, {@code lease},
 * {@code failOpen}, {@code maxResultSize}, {@code nearCache.maxEntries}, {@code nearCache.maxAge}, the servlet
 * filter's {@code http.routes}, {@code http.header}, {@code http.maxBodySize}, {@code http.releaseOn5xx}, the
 * signed-request settings {@code signature.*}, and {@code debug=true}. A comma that is not followed by a known name
 * belongs to the value before it, so {@code store=redis-cluster://10.0.0.1:7000,10.0.0.2:7000,ttl=PT10M} is two
 * arguments. Quote the whole option for the shell when a value holds spaces:
 * {@code "-javaagent:idempotency-agent.jar=http.routes=POST /api/payments/**"}.
 *
 * <p>The jar is self-contained: its third-party libraries are relocated under {@code dev.idempotency.shaded}, and the
 * application compiles against {@code idempotency-api} alone. Neither method below is meant to be called by code; the
 * JVM calls them, once per agent.
 */
public final class IdempotencyAgent {

    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private IdempotencyAgent() {
    }

    /**
     * Starts the agent before the application's {@code main}, from {@code -javaagent}. Never throws: every failure is
     * reported on standard error and leaves {@code @Idempotent} methods refusing to run. A second start in the same
     * JVM is ignored, saying so.
     *
     * @param arguments what follows {@code =} in the {@code -javaagent} option, or null when nothing does
     * @param inst the JVM's instrumentation
     */
    public static void premain(String arguments, Instrumentation inst) {
        start(arguments, inst, false);
    }

    /**
     * Starts the agent in a running JVM, when it is attached (for example through the Attach API); classes already
     * loaded that declare {@code @Idempotent} methods are retransformed. Never throws, like {@link #premain}.
     *
     * @param arguments the agent arguments given to the attach call, or null
     * @param inst the JVM's instrumentation
     */
    public static void agentmain(String arguments, Instrumentation inst) {
        start(arguments, inst, true);
    }

    private static void start(String arguments, Instrumentation inst, boolean attached) {
        long started = System.nanoTime();
        GuardTransformer guard;
        try {
            if (!STARTED.compareAndSet(false, true)) {
                AgentOutput.line("is already running in this JVM; ignoring the second "
                        + (attached ? "attach" : "-javaagent"));
                return;
            }
            // first of all, so that whatever fails below, an @Idempotent method refuses rather than runs unprotected
            guard = new GuardTransformer();
            inst.addTransformer(guard, true);
        } catch (Throwable t) {
            AgentOutput.error("could not start: " + t + "; @Idempotent methods are NOT protected");
            return;
        }
        try {
            TestFailures.at(TestFailures.START);
            boolean debug = Boolean.getBoolean(TransformLog.DEBUG_PROPERTY);
            String runtime;
            try {
                AgentArguments parsed = AgentArguments.parse(arguments);
                debug |= parsed.debug();
                Settings settings = Settings.load(parsed.settings());
                IdempotencyConfig config = settings.toConfig();
                ProcessRuntime.useSettings(parsed.settings());
                runtime = "store " + Options.redact(config.storeUri()) + " (ttl " + config.defaultTtl() + ", lease "
                        + config.defaultLease() + (config.failOpen() ? ", failOpen" : "") + ")";
                try {
                    TestFailures.at(TestFailures.ENGINE);
                    // The runtime (the store, its cache or connections) is built at the first @Idempotent call, by
                    // ApplicationSettings: here only the URI is checked, so that a bad one is reported now.
                    ProcessRuntime.validate(config);
                    ApplicationSettings.premainSaw(settings, null);
                } catch (IdempotencyConfigurationException notHere) {
                    // Perhaps a store that only the application's class loader can make (a JDBC driver or a store
                    // provider packed in a Spring Boot jar's BOOT-INF/lib): the first call tries again through it.
                    ProcessRuntime.installBroken(notHere);
                    ApplicationSettings.premainSaw(settings, notHere);
                    AgentOutput.error("store " + Options.redact(config.storeUri()) + ": " + notHere.getMessage()
                            + "; tried once more through the application's class loader at the first @Idempotent call;"
                            + " until then, and if that fails too, every @Idempotent method refuses to run"
                            + " (IdempotencyConfigurationException)");
                    runtime = null;
                }
            } catch (Throwable e) {
                IdempotencyConfigurationException error = e instanceof IdempotencyConfigurationException ice ? ice
                        : new IdempotencyConfigurationException("cannot start the idempotency runtime: " + e, null, null, e);
                ProcessRuntime.installBroken(error);
                runtime = null;
                AgentOutput.error("configuration: " + error.getMessage() + "; every @Idempotent method refuses to run"
                        + " (IdempotencyConfigurationException) until this is fixed");
            }
            TransformLog log = new TransformLog(debug);
            AgentInstaller.install(inst, log, attached, guard);
            log.summarizeAtExit();
            TestFailures.at(TestFailures.STARTED);
            guard.started();
            if (runtime != null) {
                AgentOutput.line(version() + (attached ? " attached" : " started") + ": " + runtime
                        + "; @Idempotent methods are instrumented");
            }
            if (debug) {
                AgentOutput.line("debug: " + (attached ? "agentmain" : "premain") + " took "
                        + (System.nanoTime() - started) / 1_000_000 + " ms");
            }
        } catch (Throwable t) {
            // Half-started: which parts work is unknown, so no @Idempotent method may run; the application still starts.
            guard.failed("the idempotency agent could not start (" + t + ")");
            if (attached) {
                guard.refuseLoaded(inst);
            }
            AgentOutput.error("could not start: " + t + "; every @Idempotent method refuses to run"
                    + " (IdempotencyConfigurationException)");
        }
    }

    private static String version() {
        String version = IdempotencyAgent.class.getPackage().getImplementationVersion();
        return version == null ? "(dev)" : version;
    }
}
