package dev.idempotency.spring.boot.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The settings under {@code idempotency.*}, with the library's defaults. They are checked when the runtime is built:
 * a bad value stops the start-up with a message that names the property and the fix.
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

    public String getStore() {
        return store;
    }

    public void setStore(String store) {
        this.store = store;
    }

    public Duration getTtl() {
        return ttl;
    }

    public void setTtl(Duration ttl) {
        this.ttl = ttl;
    }

    public Duration getLease() {
        return lease;
    }

    public void setLease(Duration lease) {
        this.lease = lease;
    }

    public boolean isFailOpen() {
        return failOpen;
    }

    public void setFailOpen(boolean failOpen) {
        this.failOpen = failOpen;
    }

    public DataSize getMaxResultSize() {
        return maxResultSize;
    }

    public void setMaxResultSize(DataSize maxResultSize) {
        this.maxResultSize = maxResultSize;
    }

    public Jdbc getJdbc() {
        return jdbc;
    }

    public Http getHttp() {
        return http;
    }

    public Aop getAop() {
        return aop;
    }

    public Health getHealth() {
        return health;
    }

    public NearCache getNearCache() {
        return nearCache;
    }

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

        public boolean isCreateTable() {
            return createTable;
        }

        public void setCreateTable(boolean createTable) {
            this.createTable = createTable;
        }

        public String getTable() {
            return table;
        }

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

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public List<String> getRoutes() {
            return routes;
        }

        public void setRoutes(List<String> routes) {
            this.routes = routes;
        }

        public String getHeader() {
            return header;
        }

        public void setHeader(String header) {
            this.header = header;
        }

        public DataSize getMaxBodySize() {
            return maxBodySize;
        }

        public void setMaxBodySize(DataSize maxBodySize) {
            this.maxBodySize = maxBodySize;
        }

        public boolean isReleaseOn5xx() {
            return releaseOn5xx;
        }

        public void setReleaseOn5xx(boolean releaseOn5xx) {
            this.releaseOn5xx = releaseOn5xx;
        }
    }

    /** The Spring AOP advisor that runs @Idempotent methods of beans without the agent or AspectJ. */
    public static class Aop {

        /** Advise @Idempotent methods of Spring beans (classes woven by AspectJ or instrumented by the agent never are). */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** The Actuator health indicator "idempotency". */
    public static class Health {

        /** The longest a health check waits for the store; longer counts as down. */
        private Duration timeout = Duration.ofSeconds(2);

        public Duration getTimeout() {
            return timeout;
        }

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

        public int getMaxEntries() {
            return maxEntries;
        }

        public void setMaxEntries(int maxEntries) {
            this.maxEntries = maxEntries;
        }

        public Duration getMaxAge() {
            return maxAge;
        }

        public void setMaxAge(Duration maxAge) {
            this.maxAge = maxAge;
        }
    }
}
