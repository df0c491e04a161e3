package dev.idempotency.core;

import dev.idempotency.bridge.ProcessRuntime;

/**
 * The process-wide runtime behind every {@code @Idempotent} method, woven by the aspect or by the agent.
 * Unless configured in code, it is built on first use from {@link IdempotencyConfig#fromEnvironment()}.
 *
 * <pre>{@code
 * // at start-up, before the first @Idempotent call
 * Idempotency.configure(IdempotencyConfig.builder()
 *         .storeUri("redis://redis:6379")
 *         .defaultTtl(Duration.ofHours(24))
 *         .build());
 *
 * // code that is not an annotated method uses the same runtime
 * Receipt receipt = Idempotency.runtime()
 *         .call("payments.charge", message.paymentId(), Receipt.class)
 *         .payload(message.charge())
 *         .run(() -> payments.charge(message.charge()));
 *
 * // in the application's tests: the method really goes through the runtime
 * assertTrue(Idempotency.isProtected(Payments.class.getMethod("pay", PayRequest.class)));
 * }</pre>
 *
 * <p>Every method is static and thread-safe. For a runtime that is not process-wide (tests, one per tenant), see
 * {@link IdempotencyRuntime#create}.
 */
public final class Idempotency {

    private Idempotency() {
    }

    /**
     * Replaces the runtime: creates the configured store now, so that a bad store URI fails here.
     * Calls already running finish on the previous runtime, which is closed with its store once they are done (its
     * store is kept open if the new configuration hands over the same instance). The store is made without touching
     * the network: a server that is down does not fail here, but fails calls (closed) until it answers.
     *
     * @param config the configuration of the new runtime; not {@code null}
     * @throws dev.idempotency.IdempotencyConfigurationException if no store provider accepts the store URI or it is
     *                                                           malformed; the previous runtime then stays in place
     */
    public static void configure(IdempotencyConfig config) {
        ProcessRuntime.install(config);
    }

    /**
     * The configuration in use, building the runtime from the environment if nothing was configured yet.
     *
     * @return the configuration of the process-wide runtime
     * @throws dev.idempotency.IdempotencyConfigurationException if the runtime had to be built and the environment's
     *                                                           configuration is wrong
     */
    public static IdempotencyConfig config() {
        return ProcessRuntime.engine().config();
    }

    /**
     * The process-wide runtime, for the programmatic API: {@code Idempotency.runtime().call(…).run(…)}. It follows
     * {@link #configure} and {@link #reset}; for a runtime of your own, use {@link IdempotencyRuntime#create}.
     *
     * @return the process-wide runtime, the same object on every call; it cannot be closed
     */
    public static IdempotencyRuntime runtime() {
        return IdempotencyRuntime.PROCESS_WIDE;
    }

    /**
     * Whether calls of this {@code @Idempotent} method go through the runtime: true when its class was woven by the
     * aspect (compile or load time) or instrumented by the agent; false when it runs unprotected (built without the
     * weaving plugin and started without the agent). One line for an application's own tests:
     * {@code assertTrue(Idempotency.isProtected(Payments.class.getMethod("pay", PayRequest.class)))}.
     *
     * @param method a method annotated {@code @Idempotent}
     * @return whether its calls go through the runtime
     * @throws IllegalArgumentException if the method is not annotated {@code @Idempotent}
     */
    public static boolean isProtected(java.lang.reflect.Method method) {
        return dev.idempotency.bridge.Protection.of(method) != null;
    }

    /**
     * Reads a setting from the sources every setting of the library comes from, first found wins: the agent's
     * arguments (the name without {@code idempotency.}, e.g. {@code http.routes=}), the system property, the
     * environment variable ({@code idempotency.http.maxBodySize} is {@code IDEMPOTENCY_HTTP_MAX_BODY_SIZE}),
     * {@code idempotency.properties} on the classpath. It is how the library's modules (the servlet filter's
     * {@code idempotency.http.*}) read theirs, so that a user sets and fixes them all in one way.
     *
     * <pre>{@code
     * Long maxBody = Idempotency.setting("idempotency.http.maxBodySize", Options::size);
     * long limit = maxBody != null ? maxBody : 1 << 20;
     * }</pre>
     *
     * @param <T>   what the setting is read as
     * @param name  the full name, e.g. {@code idempotency.http.routes}
     * @param parse reads the text, given the name and the text, and throws {@link IllegalArgumentException} saying
     *              what is wrong, as the methods of {@link dev.idempotency.spi.Options} do, e.g. {@code Options::size}
     * @return what {@code parse} returned, or {@code null} when no source sets the setting
     * @throws dev.idempotency.IdempotencyConfigurationException when {@code parse} refuses the text: its message,
     *                                                           preceded by where the text came from
     * @throws IllegalArgumentException                          if the name does not start with
     *                                                           {@code idempotency.} or {@code parse} is {@code null}
     */
    public static <T> T setting(String name, java.util.function.BiFunction<String, String, T> parse) {
        if (name == null || !name.startsWith("idempotency.") || parse == null) {
            throw new IllegalArgumentException("a setting is named idempotency.<name> and read with a parser, but got "
                    + name + (parse == null ? " without a parser" : ""));
        }
        return dev.idempotency.bridge.Settings.load(ProcessRuntime.settingOverrides()).read(name, parse);
    }

    /**
     * Every setting under a prefix, by full name, e.g. {@code idempotency.signature.} for the signature keys
     * ({@code idempotency.signature.keys.<keyid>}), whose names are not known in advance: from the agent's arguments,
     * system properties and {@code idempotency.properties} (first found wins). Environment variables are not listed.
     *
     * @param prefix the start of the names, e.g. {@code idempotency.signature.}; must start with
     *               {@code idempotency.} and end with a dot
     * @return a new map from full name to value, sorted by name; empty when none is set
     * @throws IllegalArgumentException if the prefix is not of that form
     */
    public static java.util.Map<String, String> settings(String prefix) {
        if (prefix == null || !prefix.startsWith("idempotency.") || !prefix.endsWith(".")) {
            throw new IllegalArgumentException("a prefix of settings is idempotency.<name>., but was " + prefix);
        }
        return dev.idempotency.bridge.Settings.load(ProcessRuntime.settingOverrides()).under(prefix);
    }

    /**
     * Closes the process-wide runtime and its store at once (calls still running on it may fail); the next call builds
     * a new one from the environment. For tests, and for an application that shuts down.
     */
    public static void reset() {
        ProcessRuntime.reset();
    }
}
