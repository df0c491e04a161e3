package dev.idempotency.agent;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.internal.IdempotencyEngine;
import dev.idempotency.internal.Settings;
import dev.idempotency.internal.StoreUris;
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
 */
public final class IdempotencyAgent {

    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private IdempotencyAgent() {
    }

    public static void premain(String arguments, Instrumentation inst) {
        start(arguments, inst, false);
    }

    public static void agentmain(String arguments, Instrumentation inst) {
        start(arguments, inst, true);
    }

    private static void start(String arguments, Instrumentation inst, boolean attached) {
        long started = System.nanoTime();
        try {
            if (!STARTED.compareAndSet(false, true)) {
                AgentOutput.line("is already running in this JVM; ignoring the second "
                        + (attached ? "attach" : "-javaagent"));
                return;
            }
            boolean debug = Boolean.getBoolean(TransformLog.DEBUG_PROPERTY);
            String runtime;
            try {
                AgentArguments parsed = AgentArguments.parse(arguments);
                debug |= parsed.debug();
                IdempotencyConfig config = Settings.load(parsed.settings()).toConfig();
                IdempotencyEngine.useSettings(parsed.settings());
                runtime = "store " + StoreUris.redact(config.storeUri()) + " (ttl " + config.defaultTtl() + ", lease "
                        + config.defaultLease() + (config.failOpen() ? ", failOpen" : "") + ")";
                try {
                    IdempotencyEngine.install(config);
                } catch (dev.idempotency.IdempotencyStoreException unreachable) {
                    // configured right, not reachable yet: calls fail closed (503) and the runtime is built again on
                    // a later call, so the application recovers by itself when the store comes up
                    runtime += ", NOT REACHABLE YET (" + unreachable.getMessage()
                            + "): calls are refused with IdempotencyStoreException until it answers";
                }
            } catch (Throwable e) {
                IdempotencyConfigurationException error = e instanceof IdempotencyConfigurationException ice ? ice
                        : new IdempotencyConfigurationException("cannot start the idempotency runtime: " + e, null, null, e);
                IdempotencyEngine.installBroken(error);
                runtime = null;
                AgentOutput.error("configuration: " + error.getMessage() + "; every @Idempotent method refuses to run"
                        + " (IdempotencyConfigurationException) until this is fixed");
            }
            TransformLog log = new TransformLog(debug);
            AgentInstaller.install(inst, log, attached);
            log.summarizeAtExit();
            if (runtime != null) {
                AgentOutput.line(version() + (attached ? " attached" : " started") + ": " + runtime
                        + "; @Idempotent methods are instrumented");
            }
            if (debug) {
                AgentOutput.line("debug: " + (attached ? "agentmain" : "premain") + " took "
                        + (System.nanoTime() - started) / 1_000_000 + " ms");
            }
        } catch (Throwable t) {
            AgentOutput.error("could not start: " + t + "; @Idempotent methods are NOT protected");
        }
    }

    private static String version() {
        String version = IdempotencyAgent.class.getPackage().getImplementationVersion();
        return version == null ? "(dev)" : version;
    }
}
