package dev.idempotency.spring.boot.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The settings under {@code idempotency.*}, with the library's defaults. They are checked when the runtime is built:
 * a bad value stops the start-up with a message that names the property and the fix
 * ({@link InvalidIdempotencyPropertyException}).
 *
 * <pre>{@code
 * # application.yml
 * idempotency:
 *   store: jdbc                 # memory (default), jdbc, redis, or a store URI such as redis://host:6379
 *   ttl: 24h                    # default 1h
 *   lease: 30s                  # default 30s
 *   fail-open: false            # default false: an unreachable store refuses calls
 *   jdbc:
 *     create-table: true        # default false
 *   http:
 *     routes: POST /api/payments/**
 *   near-cache:
 *     max-age: 30s              # default unset: as long as the record's ttl
 * }</pre>
 *
 * <p>Spring Boot binds this class; applications read it, if at all, through the bean of this type. Its values are
 * read once, when the runtime and the filter are built: changing them afterwards has no effect.
 */
@ConfigurationProperties(prefix = "idempotency")
public class IdempotencyProperties {

    /**
     * Where records are kept: "memory" (this JVM only), "jdbc" (the application's DataSource, joining its
     * transactions), "redis" (the server of spring.data.redis.*), or a store URI such as "redis://host:6379",
     * "redis-sentinel://host:26379/mymaster", "redis-cluster://host:7000" or "jdbc:postgresql://host/db".
     */
    private String store = "memory";

    /** How long the result of a call is remembered, unless the annotation sets its own ttl. */
    private Duration ttl = Duration.ofHours(1);

    /** How long a claim holds before another call may take it over; renewed while the method runs. */
    private Duration lease = Duration.ofSeconds(30);

    /**
     * Run a call without deduplication when the store cannot be reached, instead of refusing it (the default). Choose
     * it only where a duplicate costs less than an outage.
     */
    private boolean failOpen;

    /** The largest encoded result written to a store; a larger one is returned but cannot be replayed. */
    private DataSize maxResultSize = DataSize.ofMegabytes(1);

    private final Jdbc jdbc = new Jdbc();

    private final Http http = new Http();

    private final Aop aop = new Aop();

    private final Health health = new Health();

    private final NearCache nearCache = new NearCache();

    /**
     * Signed requests, verified by the filter before the application: {@code routes} (e.g. {@code POST /api/**}),
     * {@code keys.<keyid>} ({@code hmac-sha256:<base64 secret>} or {@code ed25519:<base64 public key>}),
     * {@code window}, {@code label}, {@code require}, {@code legacy} and {@code legacy.*}, as the library's
     * {@code idempotency.signature.*} settings (names as written there, e.g. {@code legacy.keyIdHeader}).
     */
    private final java.util.Map<String, String> signature = new java.util.LinkedHashMap<>();

    /**
     * Where records are kept: {@code memory} (this JVM only), {@code jdbc} (the application's {@code DataSource},
     * joining its transactions), {@code redis} (the server of {@code spring.data.redis.*}), or a store URI such as
     * {@code redis://host:6379} or {@code jdbc:postgresql://host/db}.
     *
     * @return the store as configured; default {@code memory}
     */
    public String getStore() {
        return store;
    }

    /**
     * Sets the store (property {@code idempotency.store}); surrounding spaces are ignored.
     *
     * @param store the store: {@code memory}, {@code jdbc}, {@code redis} or a store URI
     */
    public void setStore(String store) {
        this.store = store;
    }

    /**
     * How long a result is remembered, unless the annotation sets its own ttl.
     *
     * @return the default ttl; default one hour
     */
    public Duration getTtl() {
        return ttl;
    }

    /**
     * Sets the default ttl (property {@code idempotency.ttl}).
     *
     * @param ttl a positive duration of at least a millisecond; anything else fails the start-up
     */
    public void setTtl(Duration ttl) {
        this.ttl = ttl;
    }

    /**
     * How long a claim holds before another call may take it over.
     *
     * @return the default lease; default 30 seconds
     */
    public Duration getLease() {
        return lease;
    }

    /**
     * Sets the default lease (property {@code idempotency.lease}).
     *
     * @param lease a positive duration of at least a millisecond; anything else fails the start-up
     */
    public void setLease(Duration lease) {
        this.lease = lease;
    }

    /**
     * Whether a call runs without deduplication when the store cannot be reached.
     *
     * @return {@code true} for fail-open; default {@code false} (fail closed)
     */
    public boolean isFailOpen() {
        return failOpen;
    }

    /**
     * Sets fail-open (property {@code idempotency.fail-open}).
     *
     * @param failOpen {@code true} to run calls unprotected while the store is unreachable
     */
    public void setFailOpen(boolean failOpen) {
        this.failOpen = failOpen;
    }

    /**
     * The largest encoded result written to the store.
     *
     * @return the limit; default 1 MB
     */
    public DataSize getMaxResultSize() {
        return maxResultSize;
    }

    /**
     * Sets the largest encoded result (property {@code idempotency.max-result-size}).
     *
     * @param maxResultSize from 1 byte to below 2 GB; {@code null} or anything else fails the start-up
     */
    public void setMaxResultSize(DataSize maxResultSize) {
        this.maxResultSize = maxResultSize;
    }

    /**
     * The database store's settings, {@code idempotency.jdbc.*}.
     *
     * @return the settings, never {@code null}
     */
    public Jdbc getJdbc() {
        return jdbc;
    }

    /**
     * The servlet filter's settings, {@code idempotency.http.*}.
     *
     * @return the settings, never {@code null}
     */
    public Http getHttp() {
        return http;
    }

    /**
     * The Spring AOP advisor's settings, {@code idempotency.aop.*}.
     *
     * @return the settings, never {@code null}
     */
    public Aop getAop() {
        return aop;
    }

    /**
     * The health indicator's settings, {@code idempotency.health.*}.
     *
     * @return the settings, never {@code null}
     */
    public Health getHealth() {
        return health;
    }

    /**
     * The near cache's settings, {@code idempotency.near-cache.*}.
     *
     * @return the settings, never {@code null}
     */
    public NearCache getNearCache() {
        return nearCache;
    }

    /**
     * The signed-request settings, {@code idempotency.signature.*}, by name below that prefix (e.g. {@code routes}, {@code keys.<keyid>}).
     *
     * @return the settings as bound, in order; empty (the default) when requests are not signed
     */
    public java.util.Map<String, String> getSignature() {
        return signature;
    }

    /** The database store, with {@code idempotency.store=jdbc}. */
    public static class Jdbc {

        /**
         * Create the table and its index on first use if they are missing. Off by default: production schemas are
         * usually migrated (Flyway, Liquibase) from the scripts in db/idempotency/ of idempotency-jdbc's jar.
         */
        private boolean createTable;

        /** The table, optionally schema-qualified. */
        private String table = "idempotency_records";

        /**
         * Whether the table and its index are created on first use if missing.
         *
         * @return {@code true} to create them; default {@code false}
         */
        public boolean isCreateTable() {
            return createTable;
        }

        /**
         * Sets whether to create the table (property {@code idempotency.jdbc.create-table}).
         *
         * @param createTable {@code true} to create them
         */
        public void setCreateTable(boolean createTable) {
            this.createTable = createTable;
        }

        /**
         * The table the database store uses.
         *
         * @return the table; default {@code idempotency_records}
         */
        public String getTable() {
            return table;
        }

        /**
         * Sets the table (property {@code idempotency.jdbc.table}).
         *
         * @param table a plain SQL identifier, optionally schema-qualified; anything else fails the start-up
         */
        public void setTable(String table) {
            this.table = table;
        }
    }

    /** The servlet filter, in a servlet web application. */
    public static class Http {

        /** Register the idempotency filter (request binding for #headers and #principal, problem responses). */
        private boolean enabled = true;

        /**
         * Route mode: requests made idempotent at the edge without an annotation, e.g. "POST /api/payments/**".
         * Passed to the filter as its "routes" setting.
         */
        private List<String> routes = new ArrayList<>();

        /** The request header that carries the key in route mode. */
        private String header = "Idempotency-Key";

        /** The largest request body that route mode reads to fingerprint a request. */
        private DataSize maxBodySize = DataSize.ofMegabytes(1);

        /** In route mode, forget a request whose answer was a 5xx, so that a retry runs it again. */
        private boolean releaseOn5xx = true;

        /**
         * Whether the idempotency filter is registered.
         *
         * @return {@code true} (the default) to register it
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Sets whether to register the filter (property {@code idempotency.http.enabled}).
         *
         * @param enabled {@code false} to leave the filter out
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /**
         * The routes made idempotent by the filter without an annotation.
         *
         * @return the routes, each as {@code METHOD /path} (e.g. {@code POST /api/payments/**}); empty (the default) for none
         */
        public List<String> getRoutes() {
            return routes;
        }

        /**
         * Sets the routes of route mode (property {@code idempotency.http.routes}).
         *
         * @param routes the routes, each as {@code METHOD /path}; a malformed one fails the start-up
         */
        public void setRoutes(List<String> routes) {
            this.routes = routes;
        }

        /**
         * The request header that carries the key in route mode.
         *
         * @return the header name; default {@code Idempotency-Key}
         */
        public String getHeader() {
            return header;
        }

        /**
         * Sets the key header of route mode (property {@code idempotency.http.header}).
         *
         * @param header a header name; one that is not a valid header name fails the start-up
         */
        public void setHeader(String header) {
            this.header = header;
        }

        /**
         * The largest request body that route mode reads to fingerprint a request.
         *
         * @return the limit; default 1 MB
         */
        public DataSize getMaxBodySize() {
            return maxBodySize;
        }

        /**
         * Sets the largest body route mode reads (property {@code idempotency.http.max-body-size}).
         *
         * @param maxBodySize the limit, e.g. {@code 1MB}
         */
        public void setMaxBodySize(DataSize maxBodySize) {
            this.maxBodySize = maxBodySize;
        }

        /**
         * Whether route mode forgets a request whose answer was a 5xx.
         *
         * @return {@code true} (the default) so that a retry runs the request again
         */
        public boolean isReleaseOn5xx() {
            return releaseOn5xx;
        }

        /**
         * Sets whether route mode forgets a request answered with a 5xx (property {@code idempotency.http.release-on5xx}).
         *
         * @param releaseOn5xx {@code false} to keep a 5xx answer like any other
         */
        public void setReleaseOn5xx(boolean releaseOn5xx) {
            this.releaseOn5xx = releaseOn5xx;
        }
    }

    /** The Spring AOP advisor that runs @Idempotent methods of beans without the agent or AspectJ. */
    public static class Aop {

        /** Advise @Idempotent methods of Spring beans (classes woven by AspectJ or instrumented by the agent never are). */
        private boolean enabled = true;

        /**
         * Whether {@code @Idempotent} methods of Spring beans are advised.
         *
         * @return {@code true} (the default) to advise them
         */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Sets whether to advise {@code @Idempotent} methods of beans (property {@code idempotency.aop.enabled}).
         *
         * @param enabled {@code false} to leave them to AspectJ or the agent
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** The Actuator health indicator "idempotency". */
    public static class Health {

        /** The longest a health check waits for the store; longer counts as down. */
        private Duration timeout = Duration.ofSeconds(2);

        /**
         * The longest a health check waits for the store.
         *
         * @return the timeout; default 2 seconds
         */
        public Duration getTimeout() {
            return timeout;
        }

        /**
         * Sets the health check's timeout (property {@code idempotency.health.timeout}).
         *
         * @param timeout the timeout; a store that takes longer is reported down
         */
        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }
    }

    /**
     * Completed records of a remote store (Redis, a database) kept in this JVM, so that a replay of one asks the store
     * nothing. A record deleted from the store by hand is still replayed by this JVM until its entry expires.
     */
    public static class NearCache {

        /** How many completed records are kept; 0 turns the near cache off. */
        private int maxEntries = dev.idempotency.core.IdempotencyConfig.DEFAULT_NEAR_CACHE_MAX_ENTRIES;

        /**
         * How long at most a record is kept; unset, as long as it lives in the store (its ttl). Bounds how long a
         * record deleted from the store by hand is still replayed.
         */
        private Duration maxAge;

        /**
         * How many completed records the near cache keeps.
         *
         * @return the number of records; default {@value dev.idempotency.core.IdempotencyConfig#DEFAULT_NEAR_CACHE_MAX_ENTRIES}
         */
        public int getMaxEntries() {
            return maxEntries;
        }

        /**
         * Sets the near cache's size (property {@code idempotency.near-cache.max-entries}).
         *
         * @param maxEntries 0 (off) or more; a negative number fails the start-up
         */
        public void setMaxEntries(int maxEntries) {
            this.maxEntries = maxEntries;
        }

        /**
         * How long at most the near cache keeps a record.
         *
         * @return the longest time, or {@code null} (the default) for as long as the record's ttl
         */
        public Duration getMaxAge() {
            return maxAge;
        }

        /**
         * Sets the near cache's longest keeping time (property {@code idempotency.near-cache.max-age}).
         *
         * @param maxAge a positive duration of at least a millisecond, or {@code null} for the record's ttl
         */
        public void setMaxAge(Duration maxAge) {
            this.maxAge = maxAge;
        }
    }
}
