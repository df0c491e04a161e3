package dev.idempotency.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.idempotency.IdempotencyStoreException;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.Outcome;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The life cycle every store shares, attacked: built without the database, connects on first use and again after a
 * failure, "unreachable" only when the database cannot be reached, and closes only what it created.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StoreLifeCycleTest {

    private static final String NS = "idemjdbc.lifecycle";
    private static final Duration LEASE = Duration.ofSeconds(30);

    // ---- built without the database ----

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:postgresql://127.0.0.1:1/test?user=postgres", "jdbc:mariadb://127.0.0.1:1/test?user=root"})
    void aStoreForAPortWhereNothingListensIsBuiltAtOnceAndItsFirstCallIsUnreachable(String url) {
        long began = System.nanoTime();
        new JdbcStoreProvider().create(url + "&idempotency.connectionTimeout=10s&idempotency.createTable=true",
                Clock.systemUTC()).close();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began))
                .as("the build waited for no connection (its timeout is 10 s)").isLessThan(5_000);
        try (IdempotencyStore store = new JdbcStoreProvider().create(url + "&idempotency.connectionTimeout=1s"
                + "&idempotency.createTable=true", Clock.systemUTC())) {
            assertThat(store.describe()).contains("127.0.0.1:1");
            for (int call = 0; call < 2; call++) { // the second call tries again, and fails the same way
                assertThatThrownBy(() -> store.claim(NS, "k", "o", "fp", LEASE))
                        .isInstanceOf(IdempotencyStoreException.class).hasMessageContaining("key 'k'")
                        .satisfies(e -> assertThat(((IdempotencyStoreException) e).isUnreachable())
                                .as("nothing listens: %s", e).isTrue());
            }
        }
    }

    @Test
    void neitherTheBuildNorThePoolsBackgroundFillerConnects() throws Exception {
        try (ServerSocket database = new ServerSocket(0)) {
            database.setSoTimeout(1_500);
            IdempotencyStore store = new JdbcStoreProvider().create("jdbc:postgresql://127.0.0.1:"
                    + database.getLocalPort() + "/test?user=postgres&idempotency.createTable=true", Clock.systemUTC());
            try {
                // HikariCP's housekeeper runs 100 ms after the pool starts: it would fill the pool by now
                assertThatThrownBy(database::accept).as("no connection before the first call")
                        .isInstanceOf(SocketTimeoutException.class);
            } finally {
                store.close();
            }
        }
        Switch ds = new Switch(Databases.h2());
        JdbcStore store = JdbcStore.builder(ds).createTable(true).table(Databases.PREFIX + "lc_untouched").build();
        store.close();
        assertThat(ds.connections.get()).as("a store built and closed unused never asked for a connection").isZero();
    }

    // ---- connects on first use, and again after a failure ----

    @Test
    void aStoreBuiltWhileItsDatabaseIsDownWorksWhenItComesUpWithoutBeingRebuilt() throws Exception {
        Switch ds = new Switch(Databases.postgres());
        ds.down.set(true);
        String table = ownTable("lc_down");
        JdbcStore store = JdbcStore.builder(ds).createTable(true).table(table).purgeInterval(Duration.ZERO).build();
        try {
            assertThat(store.describe()).contains("database not yet known");
            for (int call = 0; call < 3; call++) {
                assertThatThrownBy(() -> store.claim(NS, "k", "o", "fp", LEASE))
                        .isInstanceOf(IdempotencyStoreException.class)
                        .satisfies(e -> assertThat(((IdempotencyStoreException) e).isUnreachable()).isTrue());
            }
            ds.down.set(false);
            // many first calls at once: one contact, one table, every call served
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<ClaimResult>> calls = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    String key = "k" + t;
                    calls.add(pool.submit((Callable<ClaimResult>) () -> store.claim(NS, key, "o", "fp", LEASE)));
                }
                for (Future<ClaimResult> call : calls) {
                    assertThat(call.get(30, TimeUnit.SECONDS)).isInstanceOf(ClaimResult.Claimed.class);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(store.describe()).contains("jdbc(postgresql");
            assertThat(store.complete(NS, "k0", "o", Outcome.value("1"), Duration.ofMinutes(1))).isTrue();

            ds.down.set(true); // down again after the first contact: unreachable again, and back again
            assertThatThrownBy(() -> store.read(NS, "k0")).isInstanceOf(IdempotencyStoreException.class)
                    .satisfies(e -> assertThat(((IdempotencyStoreException) e).isUnreachable()).isTrue());
            ds.down.set(false);
            assertThat(store.read(NS, "k0").outcome()).isEqualTo(Outcome.value("1"));
        } finally {
            store.close();
            Databases.execute(Databases.postgres(), "DROP TABLE IF EXISTS " + table);
        }
    }

    @Test
    void aPostgresDatabaseThatDoesNotExistYetIsUsedOnceItIsCreated() {
        Databases.postgres(); // skips, or fails under CI, without the server
        String name = ownTable("lc_db");
        String url = "jdbc:postgresql://127.0.0.1:5432/" + name + "?user=postgres";
        try (IdempotencyStore store = new JdbcStoreProvider().create(url + "&idempotency.createTable=true"
                + "&idempotency.connectionTimeout=1s&idempotency.purgeInterval=0s", Clock.systemUTC())) {
            assertThatThrownBy(() -> store.claim(NS, "k", "o", "fp", LEASE))
                    .isInstanceOf(IdempotencyStoreException.class).hasMessageContaining(name)
                    .satisfies(e -> assertThat(((IdempotencyStoreException) e).isUnreachable())
                            .as("the server answered that the database does not exist: %s", e).isFalse());
            Databases.execute(Databases.postgres(), "CREATE DATABASE " + name);
            assertThat(store.claim(NS, "k", "o", "fp", LEASE)).isInstanceOf(ClaimResult.Claimed.class);
            assertThat(store.read(NS, "k").owner()).isEqualTo("o");
        } finally {
            Databases.execute(Databases.postgres(), "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    // ---- not unreachable: the database answered ----

    @ParameterizedTest
    @ValueSource(strings = {"user=root&password=wrong-s3cret", "user=idemjdbc_nobody&password=wrong-s3cret"})
    void wrongCredentialsAreAStoreErrorThatIsNotUnreachable(String credentials) {
        Databases.mariadb(); // skips, or fails under CI, without the server
        try (IdempotencyStore store = new JdbcStoreProvider().create("jdbc:mariadb://127.0.0.1:3306/test?" + credentials
                + "&idempotency.connectionTimeout=1s&idempotency.purgeInterval=0s", Clock.systemUTC())) {
            for (int call = 0; call < 2; call++) {
                assertThatThrownBy(() -> store.claim(NS, "k", "o", "fp", LEASE))
                        .isInstanceOf(IdempotencyStoreException.class)
                        .hasMessageContaining("Access denied").hasMessageNotContaining("wrong-s3cret")
                        .satisfies(e -> assertThat(((IdempotencyStoreException) e).isUnreachable())
                                .as("the database refused the credentials: %s", e).isFalse());
            }
        }
    }

    @Test
    void aMySqlServerBehindAHandedInDataSourceIsRefused() {
        Switch ds = new Switch(Databases.h2());
        ds.productName = "MySQL";
        ds.productVersion = "8.0.36";
        JdbcStore store = JdbcStore.builder(ds).createTable(true).table(Databases.PREFIX + "lc_mysql").build();
        assertThatThrownBy(() -> store.claim(NS, "k", "o", "fp", LEASE)).isInstanceOf(IdempotencyStoreException.class)
                .hasMessageContaining("MySQL is not supported").hasMessageContaining("MySQL 8.0.36")
                .satisfies(e -> assertThat(((IdempotencyStoreException) e).isUnreachable()).isFalse());
    }

    // ---- close ----

    @Test
    void closeLeavesAHandedInDataSourceOpenStopsThePurgeAndIsIdempotent() throws Exception {
        Switch ds = new Switch(Databases.h2());
        JdbcStore store = JdbcStore.builder(ds).createTable(true).table(Databases.PREFIX + "lc_close")
                .purgeInterval(Duration.ofMillis(10)).build();
        assertThat(store.claim(NS, "k-" + UUID.randomUUID(), "o", "fp", LEASE)).isInstanceOf(ClaimResult.Claimed.class);
        Thread.sleep(200); // the purge runs every 10 ms
        store.close();
        store.close();
        Thread.sleep(50); // a purge under way when close() was called
        int afterClose = ds.connections.get();
        Thread.sleep(300);
        assertThat(ds.connections.get()).as("no purge after close").isEqualTo(afterClose);
        try (Connection c = ds.getConnection()) {
            assertThat(c.isValid(1)).as("the caller's data source is the caller's").isTrue();
        }
        assertThatThrownBy(() -> store.claim(NS, "k", "o", "fp", LEASE)).isInstanceOf(IdempotencyStoreException.class)
                .hasMessageContaining("is closed")
                .satisfies(e -> assertThat(((IdempotencyStoreException) e).isUnreachable())
                        .as("a closed store is no outage: failOpen must not run the method").isFalse());
    }

    @Test
    void closeClosesThePoolTheStoreCreated() throws Exception {
        JdbcStore store = (JdbcStore) new JdbcStoreProvider().create("jdbc:h2:mem:lc-" + UUID.randomUUID()
                + ";DB_CLOSE_DELAY=-1;idempotency.createTable=true", Clock.systemUTC());
        assertThat(store.claim(NS, "k", "o", "fp", LEASE)).isInstanceOf(ClaimResult.Claimed.class);
        java.lang.reflect.Field f = JdbcStore.class.getDeclaredField("dataSource");
        f.setAccessible(true);
        HikariDataSource pool = (HikariDataSource) f.get(store);
        assertThat(pool.getMinimumIdle()).as("after first contact the pool keeps its connections ready")
                .isEqualTo(pool.getMaximumPoolSize());
        store.close();
        store.close();
        assertThat(pool.isClosed()).isTrue();
    }

    // ---- keys ----

    @Test
    void aRefusedKeyLeavesNothingBehindForTheNextKeyOnTheSameThread() {
        JdbcStore store = Databases.store(Database.H2, null);
        String id = UUID.randomUUID().toString();
        assertThatThrownBy(() -> store.claim(NS, "lone-\uD800" + id, "o", "fp", LEASE))
                .isInstanceOf(IdempotencyStoreException.class);
        assertThat(store.claim(NS, "next-" + id, "o", "fp", LEASE)).isInstanceOf(ClaimResult.Claimed.class);
        assertThat(store.read(NS, "next-" + id)).as("claimed and read under the same hash").isNotNull();
    }

    // ---- helpers ----

    private static String ownTable(String what) {
        return Databases.PREFIX + what + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    /**
     * A real data source behind a switch: while down it fails as HikariCP does when the database cannot be reached
     * (a transient connection error whose cause is the refused connect). It counts the connections asked for, and can
     * pretend to be another database product.
     */
    static final class Switch implements DataSource {
        final AtomicBoolean down = new AtomicBoolean();
        final AtomicInteger connections = new AtomicInteger();
        private final DataSource target;
        volatile String productName;
        volatile String productVersion;

        Switch(DataSource target) {
            this.target = target;
        }

        @Override
        public Connection getConnection() throws SQLException {
            connections.incrementAndGet();
            if (down.get()) {
                throw new SQLTransientConnectionException("test-switch - Connection is not available, request timed"
                        + " out after 1000ms", "08001", new ConnectException("Connection refused"));
            }
            Connection c = target.getConnection();
            return productName == null ? c : pretending(c);
        }

        private Connection pretending(Connection c) throws SQLException {
            java.sql.DatabaseMetaData meta = c.getMetaData();
            java.sql.DatabaseMetaData fake = (java.sql.DatabaseMetaData) java.lang.reflect.Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {java.sql.DatabaseMetaData.class}, (p, m, args) -> {
                        if (m.getName().equals("getDatabaseProductName")) {
                            return productName;
                        }
                        if (m.getName().equals("getDatabaseProductVersion")) {
                            return productVersion;
                        }
                        return m.invoke(meta, args);
                    });
            return (Connection) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {Connection.class}, (p, m, args) -> {
                        if (m.getName().equals("getMetaData")) {
                            return fake;
                        }
                        try {
                            return m.invoke(c, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return target.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            target.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            target.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return target.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }
}
