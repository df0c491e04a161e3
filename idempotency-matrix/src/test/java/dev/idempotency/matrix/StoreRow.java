package dev.idempotency.matrix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.IdempotencyStoreProvider;
import dev.idempotency.testkit.redis.RedisCluster;
import dev.idempotency.testkit.redis.Resp;
import java.io.File;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * One row of the grid: a store and the clock it keeps time by, built from its store URI through the public SPI
 * (ServiceLoader over {@link IdempotencyStoreProvider}), so that on the agent route the store is the agent jar's own.
 * Each row works under a key prefix or table of its own, new for each run (the servers are shared), and removes it
 * afterwards. A row whose server is missing is skipped with a message that says what to start, or fails under
 * {@code CI=true}.
 */
abstract class StoreRow {

    static final String REDIS_HOST = "127.0.0.1";
    static final int REDIS_PORT = 6379;
    static final String POSTGRES_URL = env("IDEMPOTENCY_TEST_POSTGRES_URL",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    static final String MARIADB_URL = env("IDEMPOTENCY_TEST_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/test?user=root");
    /** Where the Cluster row's three masters start looking for free ports (the redis module's tests use 71xx). */
    static final int CLUSTER_FIRST_PORT = 7401;

    final String id;
    private final String name;
    private final boolean usesTestClock;
    /** New for each run: the key prefix or table suffix. */
    final String run = UUID.randomUUID().toString().substring(0, 8);
    private final TestClockSwitch clock = new TestClockSwitch();
    private IdempotencyStore store;
    /** Whether open() got past the check: a skipped row has nothing to remove. */
    private boolean started;
    /** Why the row's tests are skipped, or null; each test reports it (a skipped container alone goes unreported). */
    private String skipped;

    private StoreRow(String id, String name, boolean usesTestClock) {
        this.id = id;
        this.name = name;
        this.usesTestClock = usesTestClock;
    }

    /** The rows named by {@code matrix.rows} (a comma-separated list of ids, or {@code all}). */
    static Stream<StoreRow> selected() {
        List<StoreRow> all = List.of(memory(), redis(), redisCluster(), postgres(true), postgres(false), mariadb(), h2());
        String wanted = System.getProperty("matrix.rows", "all").trim();
        if (wanted.isEmpty() || wanted.equals("all")) {
            return all.stream();
        }
        Set<String> ids = Arrays.stream(wanted.split(",")).map(String::trim).collect(Collectors.toSet());
        Set<String> known = all.stream().map(r -> r.id).collect(Collectors.toSet());
        if (!known.containsAll(ids)) {
            throw new IllegalArgumentException("matrix.rows names unknown rows " + ids + "; known: " + known);
        }
        return all.stream().filter(r -> ids.contains(r.id));
    }

    /** Whether the store keeps time by the runtime's clock, so the suite may move it. */
    boolean usesTestClock() {
        return usesTestClock;
    }

    /** What is missing for this row, phrased as what to start; null when nothing is. */
    abstract String missing();

    /** The store URI, once the row's servers run. */
    abstract String uri();

    /** Starts what the row needs beyond the shared servers. */
    void start() {
    }

    /** Removes what the row left on the shared servers, and stops what it started. */
    void stop() throws Exception {
    }

    /** Checks the row's servers and builds its store; called once before the row's tests. */
    final void open(Route route) throws Exception {
        String missing = missing();
        if (missing != null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError("CI=true, but the " + name + " row cannot run: " + missing);
            }
            skipped = "skipped: " + missing;
            return;
        }
        started = true;
        start();
        String uri = uri();
        IdempotencyStoreProvider provider = ServiceLoader.load(IdempotencyStoreProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.accepts(uri)).findFirst()
                .orElseThrow(() -> new AssertionError("no IdempotencyStoreProvider accepts " + uri));
        Path origin = route.storeOrigin();
        if (origin != null) {
            assertThat(Route.location(provider.getClass())).as("the origin of " + provider.getClass().getName())
                    .isEqualTo(origin);
        }
        store = provider.create(uri, clock);
        if (origin != null) {
            assertThat(Route.location(store.getClass())).as("the origin of " + store.getClass().getName())
                    .isEqualTo(origin);
        }
    }

    /** The row's store for one test, on that test's clock; its close() leaves the store open for the next test. */
    IdempotencyStore storeFor(Clock testClock) {
        if (skipped != null) {
            Assumptions.abort(skipped);
        }
        clock.set(testClock);
        return new KeptOpen(store);
    }

    final void close() throws Exception {
        if (!started) {
            return;
        }
        try {
            if (store != null) {
                store.close();
            }
        } finally {
            stop();
        }
    }

    @Override
    public String toString() {
        return name;
    }

    // ---- the rows ----

    static StoreRow memory() {
        return new StoreRow("memory", "memory (test clock)", true) {
            @Override
            String missing() {
                return null;
            }

            @Override
            String uri() {
                return "memory:";
            }
        };
    }

    static StoreRow redis() {
        return new StoreRow("redis", "Redis (server clock)", false) {
            private final String prefix = "idemmatrix:" + run + ":";

            @Override
            String missing() {
                return Resp.answersPing(REDIS_HOST, REDIS_PORT, false) ? null : "no Redis answers at " + REDIS_HOST + ":"
                        + REDIS_PORT + "; start one with: redis-server --port 6379 --save \"\" --appendonly no";
            }

            @Override
            String uri() {
                return "redis://" + REDIS_HOST + ":" + REDIS_PORT + "?keyPrefix=" + prefix;
            }

            @Override
            void stop() {
                try (Resp redis = Resp.connect(REDIS_HOST, REDIS_PORT)) {
                    redis.deleteMatching(prefix + "*");
                }
            }
        };
    }

    static StoreRow redisCluster() {
        return new StoreRow("redis-cluster", "Redis Cluster, 3 masters (server clock)", false) {
            private RedisCluster cluster;

            @Override
            String missing() {
                return onPath("redis-server") && onPath("redis-cli") ? null : "redis-server and redis-cli (Redis 7) are"
                        + " not on the PATH; this row starts a Cluster of its own on loopback ports from "
                        + CLUSTER_FIRST_PORT + ": install Redis 7 (e.g. apt-get install redis-server)";
            }

            @Override
            void start() {
                cluster = RedisCluster.start(CLUSTER_FIRST_PORT);
            }

            @Override
            String uri() {
                return cluster.uri() + "?keyPrefix=idemmatrix:" + run + ":";
            }

            @Override
            void stop() {
                if (cluster != null) {
                    cluster.close();
                }
            }
        };
    }

    static StoreRow postgres(boolean testClock) {
        return new DatabaseRow(testClock ? "postgresql" : "postgresql-db-clock",
                "PostgreSQL (" + (testClock ? "test" : "database") + " clock)", testClock, POSTGRES_URL, "&",
                "start PostgreSQL on 127.0.0.1:5432 with a database 'test' that user postgres can use without a"
                        + " password (e.g. pg_ctlcluster 15 main start), or set IDEMPOTENCY_TEST_POSTGRES_URL");
    }

    static StoreRow mariadb() {
        return new DatabaseRow("mariadb", "MariaDB (test clock)", true, MARIADB_URL, "&",
                "start MariaDB on 127.0.0.1:3306 with a database 'test' that user root can use without a password"
                        + " (e.g. service mariadb start), or set IDEMPOTENCY_TEST_MARIADB_URL");
    }

    static StoreRow h2() {
        return new DatabaseRow("h2", "H2 (test clock)", true, "jdbc:h2:mem:idemmatrix;DB_CLOSE_DELAY=-1", ";",
                "H2 runs in memory: its driver must be on the classpath");
    }

    /** A database row: a table of its own (created by the store, dropped after the row), on the driver's URL. */
    private static final class DatabaseRow extends StoreRow {
        private final String url;
        private final String firstSeparator;
        private final String separator;
        private final String howToStart;
        private final String table;

        /** {@code separator} joins the URL's parameters: {@code &} after a query's {@code ?}, or H2's {@code ;}. */
        DatabaseRow(String id, String name, boolean testClock, String url, String separator, String howToStart) {
            super(id, name, testClock);
            this.url = url;
            this.firstSeparator = separator.equals("&") && !url.contains("?") ? "?" : separator;
            this.separator = separator;
            this.howToStart = howToStart;
            this.table = "idemmatrix_" + run + (testClock ? "_rt" : "_db");
        }

        @Override
        String missing() {
            try (Connection c = DriverManager.getConnection(url)) {
                return c.isValid(5) ? null : url + " does not answer: " + howToStart;
            } catch (SQLException e) {
                return url + " is not reachable (" + e.getMessage() + "): " + howToStart;
            }
        }

        @Override
        String uri() {
            String options = String.join(separator, "idempotency.table=" + table, "idempotency.createTable=true",
                    "idempotency.purgeInterval=PT0S", "idempotency.poolSize=24",
                    "idempotency.clock=" + (usesTestClock() ? "runtime" : "database"));
            return url + firstSeparator + options;
        }

        @Override
        void stop() throws SQLException {
            try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
                st.execute("DROP TABLE IF EXISTS " + table);
            }
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(File.pathSeparator))
                .anyMatch(dir -> new File(dir, program).canExecute());
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
