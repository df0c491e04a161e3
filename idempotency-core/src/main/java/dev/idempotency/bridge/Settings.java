package dev.idempotency.bridge;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.core.IdempotencyConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Map;
import java.util.Properties;

/**
 * Reads the settings from their sources, first found wins: overrides (the agent's arguments), system properties,
 * environment variables, {@code idempotency.properties} on the classpath. Errors say where a bad value came from.
 */
public final class Settings {

    public static final String STORE = "idempotency.store";
    public static final String TTL = "idempotency.ttl";
    public static final String LEASE = "idempotency.lease";
    public static final String FAIL_OPEN = "idempotency.failOpen";
    public static final String MAX_RESULT_SIZE = "idempotency.maxResultSize";
    public static final String NEAR_CACHE_MAX_ENTRIES = "idempotency.nearCache.maxEntries";
    public static final String NEAR_CACHE_MAX_AGE = "idempotency.nearCache.maxAge";
    public static final String PROPERTIES_FILE = "idempotency.properties";

    private final Map<String, String> overrides;
    private final Properties file;
    private final String fileLocation;

    private Settings(Map<String, String> overrides, Properties file, String fileLocation) {
        this.overrides = overrides;
        this.file = file;
        this.fileLocation = fileLocation;
    }

    public static Settings fromEnvironment() {
        return load(Map.of());
    }

    /**
     * @param overrides values by short name ({@code store}, {@code ttl}, {@code lease}, {@code failOpen}), e.g. the
     *                  agent's arguments
     */
    public static Settings load(Map<String, String> overrides) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = Settings.class.getClassLoader();
        }
        URL url = loader == null ? null : loader.getResource(PROPERTIES_FILE);
        Properties props = new Properties();
        if (url != null) {
            try (InputStream in = url.openStream()) {
                props.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + url, e);
            }
        }
        return new Settings(Map.copyOf(overrides), props, url == null ? null : url.toString());
    }

    /** The overrides these settings were loaded with (the agent's arguments). */
    public Map<String, String> overrides() {
        return overrides;
    }

    /**
     * Where {@code idempotency.properties} was found (through the thread's context class loader), or {@code null}. The
     * agent compares it with what the application's own class loader finds at the first call (a Spring Boot jar's
     * {@code BOOT-INF/classes} is invisible to {@code premain}).
     */
    public String fileLocation() {
        return fileLocation;
    }

    /** A value and the source it came from, or {@code null}. */
    record Found(String value, String source) {
    }

    Found find(String name) {
        String shortName = name.substring(name.indexOf('.') + 1);
        String value = overrides.get(shortName);
        if (value != null) {
            return new Found(value, "agent argument " + shortName + "=");
        }
        value = System.getProperty(name);
        if (value != null) {
            return new Found(value, "system property " + name);
        }
        String env = environmentName(name);
        value = System.getenv(env);
        if (value != null) {
            return new Found(value, "environment variable " + env);
        }
        value = file.getProperty(name);
        if (value != null) {
            return new Found(value, name + " in " + fileLocation);
        }
        return null;
    }

    /**
     * Every setting whose name starts with {@code prefix} (e.g. {@code idempotency.signature.}), by full name, from
     * the sources that can list their names: the agent's arguments, system properties, {@code idempotency.properties}
     * (first found wins). Environment variables cannot give names back in their case and dots; they serve
     * {@link #read} only.
     */
    public Map<String, String> under(String prefix) {
        Map<String, String> found = new java.util.TreeMap<>();
        file.stringPropertyNames().stream().filter(n -> n.startsWith(prefix))
                .forEach(n -> found.put(n, file.getProperty(n)));
        System.getProperties().stringPropertyNames().stream().filter(n -> n.startsWith(prefix))
                .forEach(n -> found.put(n, System.getProperty(n)));
        overrides.forEach((shortName, value) -> {
            String name = "idempotency." + shortName;
            if (name.startsWith(prefix)) {
                found.put(name, value);
            }
        });
        return found;
    }

    /** {@code idempotency.maxResultSize} as {@code IDEMPOTENCY_MAX_RESULT_SIZE}. */
    static String environmentName(String name) {
        StringBuilder env = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z' && i > 0 && name.charAt(i - 1) >= 'a' && name.charAt(i - 1) <= 'z') {
                env.append('_');
            }
            env.append(c == '.' ? '_' : Character.toUpperCase(c));
        }
        return env.toString();
    }

    /**
     * The runtime's configuration from these settings. Plain calls rather than a lambda per setting: the agent's
     * premain runs this, and each lambda's first use spins a class.
     */
    public IdempotencyConfig toConfig() {
        IdempotencyConfig.Builder b = IdempotencyConfig.builder();
        for (String name : new String[] {STORE, TTL, LEASE, FAIL_OPEN, MAX_RESULT_SIZE,
                NEAR_CACHE_MAX_ENTRIES, NEAR_CACHE_MAX_AGE}) {
            Found found = find(name);
            if (found == null) {
                continue;
            }
            try {
                switch (name) {
                    case STORE -> b.storeUri(found.value());
                    case TTL -> b.defaultTtl(found.value());
                    case LEASE -> b.defaultLease(found.value());
                    case FAIL_OPEN -> b.failOpen(found.value());
                    case NEAR_CACHE_MAX_ENTRIES -> b.nearCacheMaxEntries(found.value());
                    case NEAR_CACHE_MAX_AGE -> b.nearCacheMaxAge(found.value());
                    default -> b.maxResultSize(found.value());
                }
            } catch (IdempotencyConfigurationException | IllegalArgumentException e) {
                throw fromSource(found, e);
            }
        }
        return b.build();
    }

    /** A refusal of a value, its message starting with the value's source. */
    private static IdempotencyConfigurationException fromSource(Found found, RuntimeException refusal) {
        return new IdempotencyConfigurationException("from " + found.source() + ": " + refusal.getMessage(), null,
                null, refusal instanceof IdempotencyConfigurationException ? refusal.getCause() : null);
    }

    /**
     * The setting's value as {@code parse} reads it, or {@code null} when no source sets it. A refusal by
     * {@code parse} ({@code IllegalArgumentException} or {@code IdempotencyConfigurationException}) becomes an
     * {@code IdempotencyConfigurationException} whose message starts with the source of the value.
     */
    public <T> T read(String name, java.util.function.BiFunction<String, String, T> parse) {
        Found found = find(name);
        if (found == null) {
            return null;
        }
        try {
            return parse.apply(name, found.value());
        } catch (IdempotencyConfigurationException | IllegalArgumentException e) {
            throw fromSource(found, e);
        }
    }
}
