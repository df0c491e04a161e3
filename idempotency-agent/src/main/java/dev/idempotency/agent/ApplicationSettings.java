package dev.idempotency.agent;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.IdempotencyStoreException;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.bridge.ProcessRuntime;
import dev.idempotency.bridge.Settings;
import dev.idempotency.spi.Options;
import java.util.Map;
import java.util.Objects;

/**
 * Builds the runtime at the first {@code @Idempotent} call, not in {@code premain}: an application that never calls
 * one never pays for the store (the memory store's cache, a Redis pool), and {@code premain} stays short. It also sees
 * what {@code premain} cannot: {@code premain} runs before the application's class loader exists, so inside a Spring
 * Boot executable jar neither {@code idempotency.properties} in {@code BOOT-INF/classes} nor a JDBC driver or store
 * provider in {@code BOOT-INF/lib} is visible to it. So the settings are read again through the class loader of the
 * method's class (set as the thread's context loader, which {@link Settings} and the stores look through), and the
 * runtime is built from them, once, unless the application configured one of its own already. A line says so where
 * the outcome differs from {@code premain}'s line: a settings file {@code premain} did not see, a store {@code premain}
 * could not check, a store that cannot be made or reached.
 */
final class ApplicationSettings {

    /** Read on every call: true once the first call has settled the settings (or when there is nothing to settle). */
    static volatile boolean settled = true;

    private static boolean settling;
    private static Map<String, String> overrides = Map.of();
    private static String premainFile;
    private static IdempotencyConfigurationException premainFailure;

    private ApplicationSettings() {
    }

    /** What premain read (its arguments, the settings file it found) and whether it could check the store URI. */
    static synchronized void premainSaw(Settings settings, IdempotencyConfigurationException failure) {
        overrides = settings.overrides();
        premainFile = settings.fileLocation();
        premainFailure = failure;
        settled = false;
    }

    /** Other threads' first calls wait here until it is done, so that no call uses a runtime about to be replaced. */
    static synchronized void settle(Class<?> type) {
        if (settled || settling) {
            return; // done, or a call made while settling (on this thread: the monitor is reentrant)
        }
        settling = true;
        try {
            settleThrough(type);
        } finally {
            settled = true;
            settling = false;
        }
    }

    private static void settleThrough(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        if (loader == null) {
            return; // not a class the agent instruments; the runtime is then built from the environment on first use
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        String from = null;
        try {
            Settings settings = Settings.load(overrides);
            boolean newFile = settings.fileLocation() != null && !Objects.equals(settings.fileLocation(), premainFile);
            if (newFile || premainFailure != null) {
                from = newFile ? settings.fileLocation() : "the class loader of " + type.getName();
                IdempotencyConfig config = settings.toConfig();
                ProcessRuntime.install(config);
                AgentOutput.line("store " + Options.redact(config.storeUri()) + " (ttl " + config.defaultTtl()
                        + ", lease " + config.defaultLease() + (config.failOpen() ? ", failOpen" : "") + ") from "
                        + from + ", read at the first @Idempotent call");
            } else {
                // what premain's line said; unless the application installed a runtime of its own in the meantime
                ProcessRuntime.installIfAbsent(settings.toConfig());
            }
        } catch (IdempotencyStoreException unreachable) {
            // configured right, not reachable yet: calls fail closed and the runtime is built again on a later call
            // (through that call's context class loader), so the application recovers by itself when the store is up
            ProcessRuntime.reset();
            AgentOutput.error("store" + (from == null ? "" : " from " + from) + " is NOT REACHABLE YET ("
                    + unreachable.getMessage() + "): calls are refused with IdempotencyStoreException until it answers");
        } catch (Throwable t) {
            IdempotencyConfigurationException error = t instanceof IdempotencyConfigurationException ice ? ice
                    : new IdempotencyConfigurationException("cannot start the idempotency runtime: " + t, null, null, t);
            ProcessRuntime.installBroken(error);
            AgentOutput.error("configuration" + (from == null ? "" : " from " + from) + ": " + error.getMessage()
                    + "; every @Idempotent method refuses to run (IdempotencyConfigurationException)");
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
