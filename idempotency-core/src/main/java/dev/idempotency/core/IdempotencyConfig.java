package dev.idempotency.core;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.bridge.Settings;
import dev.idempotency.internal.StoreUris;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.Options;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The runtime's settings: which store, the default ttl and lease, the clock and the listeners. Immutable; built by
 * {@link #builder()}, whose setters check each value at once and say what they got, with an
 * {@link IdempotencyConfigurationException}; or read from the environment by {@link #fromEnvironment()}.
 *
 * <pre>{@code
 * Idempotency.configure(IdempotencyConfig.builder()
 *         .storeUri("memory:?maxEntries=50000")
 *         .defaultTtl(Duration.ofMinutes(10))
 *         .listener(event -> metrics.count(event.type()))
 *         .build());
 *
 * // a variation of the configuration in use
 * IdempotencyConfig strict = Idempotency.config().toBuilder().failOpen(false).build();
 * }</pre>
 *
 * <p>Each setting has a setter that takes text too, in the syntax of {@link Options} ({@code "10m"},
 * {@code "512KiB"}), as the environment gives it. A configuration is immutable and thread-safe; its builder is not.
 */
public final class IdempotencyConfig {

    /** The store when none is configured: the in-memory store, {@code memory:}. */
    public static final String DEFAULT_STORE_URI = "memory:";
    /** How long a completed record is kept when neither the method nor the configuration says: one hour. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);
    /** How long a claim holds, unless renewed, when neither the method nor the configuration says: 30 seconds. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    /** The largest encoded result a store is handed: 1 MiB. */
    public static final int DEFAULT_MAX_RESULT_SIZE = 1 << 20;
    /** How many completed records of a remote store the runtime keeps in its near cache: 10,000. */
    public static final int DEFAULT_NEAR_CACHE_MAX_ENTRIES = 10_000;

    private final String storeUri;
    private final IdempotencyStore store;
    private final Duration defaultTtl;
    private final Duration defaultLease;
    private final Clock clock;
    private final List<IdempotencyListener> listeners;
    private final boolean failOpen;
    private final int maxResultSize;
    private final int nearCacheMaxEntries;
    private final Duration nearCacheMaxAge;

    private IdempotencyConfig(Builder b) {
        this.storeUri = b.storeUri;
        this.store = b.store;
        this.defaultTtl = b.defaultTtl;
        this.defaultLease = b.defaultLease;
        this.clock = b.clock;
        this.listeners = List.copyOf(b.listeners);
        this.failOpen = b.failOpen;
        this.maxResultSize = b.maxResultSize;
        this.nearCacheMaxEntries = b.nearCacheMaxEntries;
        this.nearCacheMaxAge = b.nearCacheMaxAge;
    }

    /**
     * A builder with every setting at its default: {@link #DEFAULT_STORE_URI}, {@link #DEFAULT_TTL},
     * {@link #DEFAULT_LEASE}, the system clock (UTC), no listeners, fail closed, {@link #DEFAULT_MAX_RESULT_SIZE},
     * {@link #DEFAULT_NEAR_CACHE_MAX_ENTRIES} and no near-cache age limit.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The settings from the environment: for each of {@code idempotency.store}, {@code idempotency.ttl},
     * {@code idempotency.lease}, {@code idempotency.failOpen}, {@code idempotency.maxResultSize},
     * {@code idempotency.nearCache.maxEntries} and {@code idempotency.nearCache.maxAge}: the system property, then the
     * environment variable ({@code IDEMPOTENCY_STORE}, {@code IDEMPOTENCY_NEAR_CACHE_MAX_ENTRIES}, …), then
     * {@code idempotency.properties} on the classpath; defaults where none is set. Read anew on every call.
     *
     * @return the configuration the environment describes
     * @throws IdempotencyConfigurationException if a value is refused; the message names where it came from
     */
    public static IdempotencyConfig fromEnvironment() {
        return Settings.fromEnvironment().toConfig();
    }

    /**
     * The store URI.
     *
     * @return the URI the store is made from, or {@code null} when a store instance was given
     */
    public String storeUri() {
        return storeUri;
    }

    /**
     * The store instance given to the builder.
     *
     * @return the instance, or {@code null} when the store is made from {@link #storeUri()}
     */
    public IdempotencyStore store() {
        return store;
    }

    /**
     * How long a completed record is kept when the method or call does not say ({@code ttl}).
     *
     * @return the default ttl, at least one millisecond
     */
    public Duration defaultTtl() {
        return defaultTtl;
    }

    /**
     * How long a claim holds, unless renewed, when the method or call does not say ({@code lease}).
     *
     * @return the default lease, at least one millisecond
     */
    public Duration defaultLease() {
        return defaultLease;
    }

    /**
     * The clock leases and ttls are measured by, also handed to stores made from a URI.
     *
     * @return the clock; the system clock (UTC) by default
     */
    public Clock clock() {
        return clock;
    }

    /**
     * The listeners, called for every event in this order.
     *
     * @return an unmodifiable list, empty by default
     */
    public List<IdempotencyListener> listeners() {
        return listeners;
    }

    /**
     * Whether a call runs without deduplication when the store cannot be reached (default false: it is refused).
     *
     * @return {@code true} to fail open; see {@link Builder#failOpen(boolean)}
     */
    public boolean failOpen() {
        return failOpen;
    }

    /**
     * The largest encoded result, in UTF-8 bytes, that is written to a store. A larger result is returned to its
     * caller, but recorded as "executed, result too large to replay": its replays fail with that reason and the
     * method never runs again for the key. Results kept as objects by an in-process store are not encoded and not
     * measured.
     *
     * @return the limit in bytes; {@link #DEFAULT_MAX_RESULT_SIZE} by default
     */
    public int maxResultSize() {
        return maxResultSize;
    }

    /**
     * How many completed records of a remote store (one whose records leave the JVM: Redis, a database) the runtime
     * keeps in its near cache, so that a replay of one of them asks the store nothing; 0 turns the cache off. An entry
     * never outlives its record's expiry in the store (nor {@link #nearCacheMaxAge()}); a record deleted from the store
     * by hand is still replayed from the cache until then. In-progress records are never kept.
     *
     * @return the most entries, or 0 for no near cache; {@link #DEFAULT_NEAR_CACHE_MAX_ENTRIES} by default
     */
    public int nearCacheMaxEntries() {
        return nearCacheMaxEntries;
    }

    /**
     * How long at most a near-cache entry is kept, or {@code null} (the default) for as long as its record lives in
     * the store: this bounds how long a record deleted from the store by hand is still replayed by this runtime.
     *
     * @return the longest an entry is kept, or {@code null} for no limit but the record's own expiry
     */
    public Duration nearCacheMaxAge() {
        return nearCacheMaxAge;
    }

    /**
     * A builder that starts from this configuration's settings (its listeners included), to derive another one.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.storeUri = storeUri;
        b.store = store;
        b.defaultTtl = defaultTtl;
        b.defaultLease = defaultLease;
        b.clock = clock;
        b.listeners.addAll(listeners);
        b.failOpen = failOpen;
        b.maxResultSize = maxResultSize;
        b.nearCacheMaxEntries = nearCacheMaxEntries;
        b.nearCacheMaxAge = nearCacheMaxAge;
        return b;
    }

    @Override
    public String toString() {
        return "IdempotencyConfig{store=" + (store != null ? store.describe() : StoreUris.redact(storeUri))
                + ", defaultTtl=" + defaultTtl + ", defaultLease=" + defaultLease + (failOpen ? ", failOpen" : "")
                + (maxResultSize != DEFAULT_MAX_RESULT_SIZE ? ", maxResultSize=" + maxResultSize : "")
                + (nearCacheMaxEntries != DEFAULT_NEAR_CACHE_MAX_ENTRIES ? ", nearCacheMaxEntries=" + nearCacheMaxEntries
                : "") + (nearCacheMaxAge != null ? ", nearCacheMaxAge=" + nearCacheMaxAge : "") + "}";
    }

    /**
     * Builds an {@link IdempotencyConfig}. Every setter checks its value at once and throws
     * {@link IdempotencyConfigurationException} (or {@link NullPointerException} for a missing object) naming the
     * setting and the value. Not thread-safe; {@link #build()} may be called more than once.
     */
    public static final class Builder {
        private String storeUri = DEFAULT_STORE_URI;
        private IdempotencyStore store;
        private Duration defaultTtl = DEFAULT_TTL;
        private Duration defaultLease = DEFAULT_LEASE;
        private Clock clock = Clock.systemUTC();
        private final List<IdempotencyListener> listeners = new ArrayList<>();
        private boolean failOpen;
        private int maxResultSize = DEFAULT_MAX_RESULT_SIZE;
        private int nearCacheMaxEntries = DEFAULT_NEAR_CACHE_MAX_ENTRIES;
        private Duration nearCacheMaxAge;

        private Builder() {
        }

        /**
         * See {@link IdempotencyConfig#nearCacheMaxEntries()}; 0 turns the near cache off.
         *
         * @param entries the most completed records kept, 0 or more
         * @return this builder
         * @throws IdempotencyConfigurationException if {@code entries} is negative
         */
        public Builder nearCacheMaxEntries(int entries) {
            if (entries < 0) {
                throw bad("nearCacheMaxEntries must be 0 (off) or more, but was " + entries);
            }
            this.nearCacheMaxEntries = entries;
            return this;
        }

        /**
         * {@code nearCacheMaxEntries} as text: a whole number, {@code 0} for off.
         *
         * @param value decimal digits, surrounding spaces ignored
         * @return this builder
         * @throws IdempotencyConfigurationException if the text is not a whole number from 0 to
         *                                           {@link Integer#MAX_VALUE}
         */
        public Builder nearCacheMaxEntries(String value) {
            String v = value == null ? "" : value.trim();
            if (!v.matches("[0-9]{1,10}") || Long.parseLong(v) > Integer.MAX_VALUE) {
                throw bad("nearCacheMaxEntries must be a whole number, 0 (off) or more, but was "
                        + (value == null ? "null" : "'" + value + "'"));
            }
            return nearCacheMaxEntries(Integer.parseInt(v));
        }

        /**
         * See {@link IdempotencyConfig#nearCacheMaxAge()}; {@code null} for the record's own expiry.
         *
         * @param maxAge the longest a near-cache entry is kept, at least one millisecond, or {@code null}
         * @return this builder
         * @throws IdempotencyConfigurationException if {@code maxAge} is zero, negative or below a millisecond
         */
        public Builder nearCacheMaxAge(Duration maxAge) {
            this.nearCacheMaxAge = maxAge == null ? null : positive("nearCacheMaxAge", maxAge);
            return this;
        }

        /**
         * {@code nearCacheMaxAge} as text, e.g. {@code 30s} or {@code PT30S} (the syntax of {@link Options#duration}).
         *
         * @param text the duration
         * @return this builder
         * @throws IdempotencyConfigurationException if the text is not a duration of at least one millisecond
         */
        public Builder nearCacheMaxAge(String text) {
            return nearCacheMaxAge(parse("nearCacheMaxAge", text));
        }

        /**
         * See {@link IdempotencyConfig#maxResultSize()}; at least 1 byte.
         *
         * @param bytes the largest encoded result stored, in bytes of UTF-8
         * @return this builder
         * @throws IdempotencyConfigurationException if {@code bytes} is below 1
         */
        public Builder maxResultSize(int bytes) {
            if (bytes < 1) {
                throw bad("maxResultSize must be at least 1 byte, but was " + bytes);
            }
            this.maxResultSize = bytes;
            return this;
        }

        /**
         * {@code maxResultSize} as text: bytes, or a number with a unit, e.g. {@code 512KiB} or {@code 1MB} (the syntax
         * of {@link Options#size}).
         *
         * @param value the size
         * @return this builder
         * @throws IdempotencyConfigurationException if the text is not a size, or one below 1 byte or of 2 GiB or
         *                                           more
         */
        public Builder maxResultSize(String value) {
            long bytes;
            try {
                bytes = Options.size("maxResultSize", value);
            } catch (IllegalArgumentException e) {
                throw bad(e.getMessage());
            }
            if (bytes < 1 || bytes > Integer.MAX_VALUE) {
                throw bad("maxResultSize must be at least 1 byte and below 2 GiB, but was '" + value + "'");
            }
            return maxResultSize((int) bytes);
        }

        /**
         * When the store cannot be reached before a call, run the method anyway, without deduplication, instead of
         * refusing it with {@code IdempotencyStoreException} (the default, fail closed). Each such call emits
         * {@code STORE_ERROR}, and a warning is logged at most once a minute. Choose it only where a duplicate costs
         * less than an outage. A store that answers wrongly (not unreachable) still refuses the call.
         *
         * @param failOpen {@code true} to run calls unprotected while the store cannot be reached
         * @return this builder
         */
        public Builder failOpen(boolean failOpen) {
            this.failOpen = failOpen;
            return this;
        }

        /**
         * {@code failOpen} as text: {@code true} or {@code false}, in any case.
         *
         * @param value the text
         * @return this builder
         * @throws IdempotencyConfigurationException for any other text
         */
        public Builder failOpen(String value) {
            try {
                return failOpen(Options.bool("failOpen", value));
            } catch (IllegalArgumentException e) {
                throw bad(e.getMessage());
            }
        }

        /**
         * The store by URI, e.g. {@code memory:} or {@code redis://127.0.0.1:6379}; checked against the known stores
         * now. Replaces a store instance given before. The store is made, and its URI's options checked, when a runtime
         * is built from the configuration.
         *
         * @param uri the store URI, surrounding spaces ignored
         * @return this builder
         * @throws IdempotencyConfigurationException if the URI is blank or no store provider on the class path accepts
         *                                           it
         */
        public Builder storeUri(String uri) {
            if (uri == null || uri.isBlank()) {
                throw bad("store URI must not be blank, but was " + (uri == null ? "null" : "'" + uri + "'"));
            }
            StoreUris.providerFor(uri.trim());
            this.storeUri = uri.trim();
            this.store = null;
            return this;
        }

        /**
         * A store instance, e.g. one built in code; replaces a store URI given before. The runtime built from the
         * configuration owns it: it closes the store when it is closed or replaced.
         *
         * @param store the store
         * @return this builder
         * @throws NullPointerException if {@code store} is {@code null}
         */
        public Builder store(IdempotencyStore store) {
            this.store = Objects.requireNonNull(store, "store");
            this.storeUri = null;
            return this;
        }

        /**
         * How long a completed record is kept when the method or call does not say.
         *
         * @param ttl the default ttl, at least one millisecond
         * @return this builder
         * @throws IdempotencyConfigurationException if {@code ttl} is {@code null}, zero, negative or below a
         *                                           millisecond
         */
        public Builder defaultTtl(Duration ttl) {
            this.defaultTtl = positive("defaultTtl", ttl);
            return this;
        }

        /**
         * The default ttl as text, e.g. {@code 10m} or {@code PT10M} (the syntax of {@link Options#duration}).
         *
         * @param text the duration
         * @return this builder
         * @throws IdempotencyConfigurationException if the text is not a duration of at least one millisecond
         */
        public Builder defaultTtl(String text) {
            return defaultTtl(parse("defaultTtl", text));
        }

        /**
         * How long a claim holds, unless renewed, when the method or call does not say. The runtime renews a running
         * call's claim every third of its lease, so the lease bounds how long a crashed holder blocks its key, not
         * how long a method may run.
         *
         * @param lease the default lease, at least one millisecond
         * @return this builder
         * @throws IdempotencyConfigurationException if {@code lease} is {@code null}, zero, negative or below a
         *                                           millisecond
         */
        public Builder defaultLease(Duration lease) {
            this.defaultLease = positive("defaultLease", lease);
            return this;
        }

        /**
         * The default lease as text, e.g. {@code 30s} or {@code PT30S} (the syntax of {@link Options#duration}).
         *
         * @param text the duration
         * @return this builder
         * @throws IdempotencyConfigurationException if the text is not a duration of at least one millisecond
         */
        public Builder defaultLease(String text) {
            return defaultLease(parse("defaultLease", text));
        }

        /**
         * The clock for leases and ttls; tests pass one they can move.
         *
         * @param clock the clock
         * @return this builder
         * @throws NullPointerException if {@code clock} is {@code null}
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Adds a listener, called for every event after those added before it.
         *
         * @param listener the listener
         * @return this builder
         * @throws NullPointerException if {@code listener} is {@code null}
         */
        public Builder listener(IdempotencyListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * The configuration with the settings given so far. The builder can go on to build others.
         *
         * @return a new, immutable configuration
         */
        public IdempotencyConfig build() {
            return new IdempotencyConfig(this);
        }

        private static Duration positive(String name, Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw bad(name + " must be positive, but was " + value);
            }
            if (value.toMillis() == 0) {
                throw bad(name + " must be at least one millisecond, but was " + value);
            }
            return value;
        }

        private static Duration parse(String name, String text) {
            try {
                return Options.duration(name, text);
            } catch (IllegalArgumentException e) {
                throw bad(e.getMessage());
            }
        }

        private static IdempotencyConfigurationException bad(String message) {
            return new IdempotencyConfigurationException(message, null, null);
        }
    }
}
