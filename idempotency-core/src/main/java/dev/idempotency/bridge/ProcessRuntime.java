package dev.idempotency.bridge;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.IdempotencyStoreException;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.internal.IdempotencyEngine;
import dev.idempotency.internal.Log;
import dev.idempotency.internal.StoreUris;
import java.util.Map;

/**
 * The process-wide runtime that woven code (the aspect, the agent) reaches: the one piece of static mutable state in
 * the library. Everything else — stores, leases, plans of programmatic calls, listeners — belongs to a runtime object.
 *
 * <p>Unless one is installed, the runtime is built on first use from the environment
 * ({@code idempotency.properties}, system properties, environment variables, and settings given by the agent). Stores
 * are built without touching the network, so building it fails only for a configuration that is wrong; such a
 * failure is kept, and every call refuses to run with it until a runtime is installed.
 */
public final class ProcessRuntime {

    private static volatile IdempotencyEngine current;
    private static volatile IdempotencyConfigurationException broken;
    private static volatile Map<String, String> settingOverrides = Map.of();

    private ProcessRuntime() {
    }

    /** The process-wide engine, built from the environment on first use. */
    public static IdempotencyEngine engine() {
        IdempotencyEngine engine = current;
        return engine != null ? engine : fromEnvironment();
    }

    private static synchronized IdempotencyEngine fromEnvironment() {
        if (current != null) {
            return current;
        }
        IdempotencyConfigurationException error = broken;
        if (error == null) {
            try {
                current = IdempotencyEngine.create(Settings.load(settingOverrides).toConfig());
                Log.LOGGER.log(System.Logger.Level.INFO, "idempotency: using store " + current.store().describe());
                return current;
            } catch (IdempotencyStoreException e) {
                // A store that breaks the SPI's rule and connects while it is built: refuse this call (fail closed)
                // and build again on a later one, so the application recovers by itself when the store comes up.
                Log.LOGGER.log(System.Logger.Level.ERROR, "idempotency: cannot reach the store yet: " + e.getMessage()
                        + "; calls are refused until it answers");
                throw e;
            } catch (IdempotencyConfigurationException e) {
                broken = error = e;
            } catch (RuntimeException e) {
                broken = error = new IdempotencyConfigurationException(
                        "cannot start the idempotency runtime: " + e.getMessage(), null, null, e);
            }
            Log.LOGGER.log(System.Logger.Level.ERROR, "idempotency: " + error.getMessage()
                    + "; every @Idempotent method will refuse to run until this is fixed");
        }
        throw new IdempotencyConfigurationException(error.getMessage() + " (every @Idempotent method refuses to run)",
                null, null, error.getCause());
    }

    /**
     * Settings that come before all others when the runtime is built from the environment (the agent's arguments),
     * kept across {@link #reset()}.
     */
    public static synchronized void useSettings(Map<String, String> overrides) {
        settingOverrides = Map.copyOf(overrides);
    }

    /** The settings that come before all others (the agent's arguments), for settings read outside the runtime. */
    public static Map<String, String> settingOverrides() {
        return settingOverrides;
    }

    /**
     * Builds a runtime from the configuration and makes it the process-wide one. Calls already running finish on the
     * previous runtime, which is closed once they are done (its store is kept open if the new configuration hands
     * over the same instance).
     */
    public static synchronized void install(IdempotencyConfig config) {
        IdempotencyEngine next = IdempotencyEngine.create(config);
        IdempotencyEngine previous = current;
        current = next;
        broken = null;
        if (previous != null) {
            previous.retire(previous.store() != next.store());
        }
    }

    /**
     * Checks what building a runtime from this configuration would check first, without building it: that a store
     * provider accepts its store URI and finds it well-formed. No store, cache, connection or thread is made.
     */
    public static void validate(IdempotencyConfig config) {
        if (config.store() == null) {
            StoreUris.validate(config.storeUri());
        }
    }

    /**
     * As {@link #install}, unless a runtime is in use already (one the application configured, say): the agent builds
     * the runtime at the first {@code @Idempotent} call, not in {@code premain}, and must not replace the
     * application's.
     *
     * @return whether this configuration was installed
     */
    public static synchronized boolean installIfAbsent(IdempotencyConfig config) {
        if (current != null) {
            return false;
        }
        install(config);
        return true;
    }

    /**
     * Marks the runtime as unusable, e.g. when the agent's arguments are wrong: every call refuses to run with this
     * error until a runtime is installed.
     */
    public static synchronized void installBroken(IdempotencyConfigurationException error) {
        IdempotencyEngine previous = current;
        current = null;
        broken = error;
        if (previous != null) {
            previous.close();
        }
    }

    /** Closes the runtime; the next call builds a new one from the environment. */
    public static synchronized void reset() {
        IdempotencyEngine previous = current;
        current = null;
        broken = null;
        if (previous != null) {
            previous.close();
        }
    }
}
