package dev.idempotency.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The real database servers the tests run against, one shared pool each per test JVM. A server that is down skips
 * the tests that need it, with a message that says what to start; under {@code CI=true} it fails them instead.
 * The URLs can be overridden with {@code IDEMPOTENCY_TEST_POSTGRES_URL} and {@code IDEMPOTENCY_TEST_MARIADB_URL}.
 */
final class Databases {

    /** Every table these tests create starts with this prefix: the servers are shared. */
    static final String PREFIX = "idemjdbc_";
    /** The record tables: one per time source, so that a test clock never meets the database's clock. */
    static final String DB_CLOCK_TABLE = PREFIX + "records";
    static final String RUNTIME_CLOCK_TABLE = PREFIX + "records_rt";

    static final String POSTGRES_URL = env("IDEMPOTENCY_TEST_POSTGRES_URL",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    static final String MARIADB_URL = env("IDEMPOTENCY_TEST_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/test?user=root");
    static final String H2_URL = "jdbc:h2:mem:idemjdbc;DB_CLOSE_DELAY=-1";

    private static final Map<Database, HikariDataSource> POOLS = new ConcurrentHashMap<>();
    private static final Map<Database, String> DOWN = new ConcurrentHashMap<>();

    private Databases() {
    }

    static DataSource postgres() {
        return pool(Database.POSTGRESQL);
    }

    static DataSource mariadb() {
        return pool(Database.MARIADB);
    }

    static DataSource h2() {
        return pool(Database.H2);
    }

    static DataSource of(Database database) {
        return pool(database);
    }

    static String url(Database database) {
        return switch (database) {
            case POSTGRESQL -> POSTGRES_URL;
            case MARIADB -> MARIADB_URL;
            case H2 -> H2_URL;
        };
    }

    /** How to start the server, for the skip message. */
    static String howToStart(Database database) {
        return switch (database) {
            case POSTGRESQL -> "start PostgreSQL on 127.0.0.1:5432 with a database 'test' that user postgres can use"
                    + " without a password (e.g. pg_ctlcluster 15 main start), or set IDEMPOTENCY_TEST_POSTGRES_URL";
            case MARIADB -> "start MariaDB on 127.0.0.1:3306 with a database 'test' that user root can use"
                    + " without a password (e.g. service mariadb start), or set IDEMPOTENCY_TEST_MARIADB_URL";
            case H2 -> "H2 runs in memory and needs nothing";
        };
    }

    private static synchronized HikariDataSource pool(Database database) {
        HikariDataSource pool = POOLS.get(database);
        if (pool != null) {
            return pool;
        }
        String down = DOWN.get(database);
        if (down == null) {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(url(database));
            config.setPoolName("test-" + database.id());
            config.setMaximumPoolSize(24);
            config.setConnectionTimeout(10_000);
            try {
                pool = new HikariDataSource(config);
                try (Connection c = pool.getConnection()) {
                    c.isValid(5);
                }
                POOLS.put(database, pool);
                Runtime.getRuntime().addShutdownHook(new Thread(pool::close));
                return pool;
            } catch (RuntimeException | SQLException e) {
                if (pool != null) {
                    pool.close();
                }
                down = e.toString();
                DOWN.put(database, down);
            }
        }
        unavailable(database, down);
        throw new AssertionError("unreachable");
    }

    /** Skips the test, or fails it under CI=true, because the server is not there. */
    static void unavailable(Database database, String why) {
        String message = database.id() + " is not reachable at " + url(database) + " (" + why + "): "
                + howToStart(database);
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(message);
        }
        Assumptions.abort(message);
    }

    /**
     * A store on the shared pool, creating its table if needed; no background purge (tests share the tables). The
     * first store of a table in a test JVM deletes what earlier runs left there, expired by now.
     */
    static JdbcStore store(Database database, Clock runtimeClock) {
        String table = runtimeClock != null ? RUNTIME_CLOCK_TABLE : DB_CLOCK_TABLE;
        JdbcStore.Builder builder = JdbcStore.builder(of(database)).database(database).createTable(true)
                .purgeInterval(Duration.ZERO).table(table);
        if (runtimeClock != null) {
            builder.clock(runtimeClock);
        }
        JdbcStore store = builder.build();
        if (CLEANED.add(database + "/" + table)) {
            store.read("idemjdbc.first-contact", "creates-the-table"); // the table is created on first use

            execute(of(database), "DELETE FROM " + table + " WHERE expires_at < " + System.currentTimeMillis());
        }
        return store;
    }

    private static final java.util.Set<String> CLEANED = ConcurrentHashMap.newKeySet();

    static void execute(DataSource dataSource, String... sql) {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
