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
 * {@link #builder()}, whose setters check each value at once and say what they got.
 *
 * <pre>{@code
 * Idempotency.configure(IdempotencyConfig.builder()
 *         .storeUri("memory:?maxEntries=50000")
 *         .defaultTtl(Duration.ofMinutes(10))
 *         .listener(event -> metrics.count(event.type()))
 *         .build());
 * }</pre>
 */
public final class IdempotencyConfig {

    public static final String DEFAULT_STORE_URI = "memory:";
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);
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

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The settings from the environment: for each of {@code idempotency.store}, {@code idempotency.ttl},
     * {@code idempotency.lease} and {@code idempotency.failOpen}, the system property, then the environment variable ({@code IDEMPOTENCY_STORE}, …),
     * then {@code idempotency.properties} on the classpath; defaults where none is set.
     */
    public static IdempotencyConfig fromEnvironment() {
        return Settings.fromEnvironment().toConfig();
    }

    /** The store URI, or {@code null} when a store instance was given. */
    public String storeUri() {
        return storeUri;
    }

    /** The store instance given to the builder, or {@code null} when the store is made from {@link #storeUri()}. */
    public IdempotencyStore store() {
        return store;
    }

    public Duration defaultTtl() {
        return defaultTtl;
    }

    public Duration defaultLease() {
        return defaultLease;
    }

    public Clock clock() {
        return clock;
    }

    public List<IdempotencyListener> listeners() {
        return listeners;
    }

    /** Whether a call runs without deduplication when the store fails (default false: it is refused). */
    public boolean failOpen() {
        return failOpen;
    }

    /**
     * The largest encoded result, in UTF-8 bytes, that is written to a store. A larger result is returned to its
     * caller, but recorded as "executed, result too large to replay": its replays fail with that reason and the
     * method never runs again for the key. Results kept as objects by an in-process store are not encoded and not
     * measured.
     */
    public int maxResultSize() {
        return maxResultSize;
    }

    /**
     * How many completed records of a remote store (one whose records leave the JVM: Redis, a database) the runtime
     * keeps in its near cache, so that a replay of one of them asks the store nothing; 0 turns the cache off. An entry
     * never outlives its record's expiry in the store (nor {@link #nearCacheMaxAge()}); a record deleted from the store
     * by hand is still replayed from the cache until then. In-progress records are never kept.
     */
    public int nearCacheMaxEntries() {
        return nearCacheMaxEntries;
    }

    /**
     * How long at most a near-cache entry is kept, or {@code null} (the default) for as long as its record lives in
     * the store: this bounds how long a record deleted from the store by hand is still replayed by this runtime.
     */
    public Duration nearCacheMaxAge() {
        return nearCacheMaxAge;
    }

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

        /** See {@link IdempotencyConfig#nearCacheMaxEntries()}; 0 turns the near cache off. */
        public Builder nearCacheMaxEntries(int entries) {
            if (entries < 0) {
                throw bad("nearCacheMaxEntries must be 0 (off) or more, but was " + entries);
            }
            this.nearCacheMaxEntries = entries;
            return this;
        }

        /** {@code nearCacheMaxEntries} as text: a whole number, {@code 0} for off. */
        public Builder nearCacheMaxEntries(String value) {
            String v = value == null ? "" : value.trim();
            if (!v.matches("[0-9]{1,10}") || Long.parseLong(v) > Integer.MAX_VALUE) {
                throw bad("nearCacheMaxEntries must be a whole number, 0 (off) or more, but was "
                        + (value == null ? "null" : "'" + value + "'"));
            }
            return nearCacheMaxEntries(Integer.parseInt(v));
        }

        /** See {@link IdempotencyConfig#nearCacheMaxAge()}; {@code null} for the record's own expiry. */
        public Builder nearCacheMaxAge(Duration maxAge) {
            this.nearCacheMaxAge = maxAge == null ? null : positive("nearCacheMaxAge", maxAge);
            return this;
        }

        /** {@code nearCacheMaxAge} as text, e.g. {@code 30s} or {@code PT30S} (the syntax of {@link Options#duration}). */
        public Builder nearCacheMaxAge(String text) {
            return nearCacheMaxAge(parse("nearCacheMaxAge", text));
        }

        /** See {@link IdempotencyConfig#maxResultSize()}; at least 1 byte. */
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
         * less than an outage.
         */
        public Builder failOpen(boolean failOpen) {
            this.failOpen = failOpen;
            return this;
        }

        /** {@code failOpen} as text: {@code true} or {@code false}. */
        public Builder failOpen(String value) {
            try {
                return failOpen(Options.bool("failOpen", value));
            } catch (IllegalArgumentException e) {
                throw bad(e.getMessage());
            }
        }

        /** The store by URI, e.g. {@code memory:} or {@code redis://127.0.0.1:6379}; checked against the known stores now. */
        public Builder storeUri(String uri) {
            if (uri == null || uri.isBlank()) {
                throw bad("store URI must not be blank, but was " + (uri == null ? "null" : "'" + uri + "'"));
            }
            StoreUris.providerFor(uri.trim());
            this.storeUri = uri.trim();
            this.store = null;
            return this;
        }

        /** A store instance, e.g. one built in code. The runtime closes it when it is replaced. */
        public Builder store(IdempotencyStore store) {
            this.store = Objects.requireNonNull(store, "store");
            this.storeUri = null;
            return this;
        }

        public Builder defaultTtl(Duration ttl) {
            this.defaultTtl = positive("defaultTtl", ttl);
            return this;
        }

        /** The default ttl as text, e.g. {@code 10m} or {@code PT10M} (the syntax of {@link Options#duration}). */
        public Builder defaultTtl(String text) {
            return defaultTtl(parse("defaultTtl", text));
        }

        public Builder defaultLease(Duration lease) {
            this.defaultLease = positive("defaultLease", lease);
            return this;
        }

        /** The default lease as text, e.g. {@code 30s} or {@code PT30S} (the syntax of {@link Options#duration}). */
        public Builder defaultLease(String text) {
            return defaultLease(parse("defaultLease", text));
        }

        /** The clock for leases and ttls; tests pass one they can move. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder listener(IdempotencyListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

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
