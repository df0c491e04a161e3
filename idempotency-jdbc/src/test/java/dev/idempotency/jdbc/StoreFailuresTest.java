package dev.idempotency.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.idempotency.IdempotencyStoreException;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.Outcome;
import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * How the store fails: fast and "unreachable" while the database cannot be reached, and never "unreachable" (so never
 * failOpen) when the database answered: a lock or socket timeout after the statement was sent, a deadlock, a key it
 * rejects. Each test that needs a server has a table of its own, dropped afterwards.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StoreFailuresTest {

    private static final String NS = "idemjdbc.failures";

    // ---- unreachable ----

    @ParameterizedTest
    @EnumSource(value = Database.class, names = {"POSTGRESQL", "MARIADB"})
    void callsAgainstAnUnreachableDatabaseAllFailWithinOneConnectTimeoutAsUnreachable(Database database) throws Exception {
        String url = switch (database) {
            case POSTGRESQL -> "jdbc:postgresql://127.0.0.1:" + deadPort() + "/test?user=postgres";
            default -> "jdbc:mariadb://127.0.0.1:" + deadPort() + "/test?user=root";
        };
        int threads = 8;
        try (IdempotencyStore store = new JdbcStoreProvider().create(url + "&idempotency.connectionTimeout=PT1S",
                Clock.systemUTC())) {
            CyclicBarrier start = new CyclicBarrier(threads);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<Object[]>> calls = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    String key = "k" + t;
                    calls.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        long began = System.nanoTime();
                        try {
                            store.claim(NS, key, "o", "fp", Duration.ofSeconds(30));
                            return new Object[] {null, 0L};
                        } catch (RuntimeException e) {
                            return new Object[] {e, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began)};
                        }
                    }));
                }
                long slowest = 0;
                for (Future<Object[]> call : calls) {
                    Object[] r = call.get(60, TimeUnit.SECONDS);
                    assertThat(r[0]).isInstanceOf(IdempotencyStoreException.class);
                    assertThat(((IdempotencyStoreException) r[0]).isUnreachable()).as("%s", r[0]).isTrue();
                    slowest = Math.max(slowest, (Long) r[1]);
                }
                System.out.printf("UNREACHABLE %s: %d concurrent claims, the slowest failed after %d ms"
                        + " (connection timeout 1000 ms)%n", database, threads, slowest);
                // one after the other, the last would wait 8 connection timeouts
                assertThat(slowest).as("every call fails within about one connection timeout").isLessThan(2_500);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    // ---- the database answered: not unreachable ----

    @ParameterizedTest
    @EnumSource(value = Database.class, names = {"POSTGRESQL", "MARIADB"})
    void aLockTimeoutIsNotUnreachable(Database database) throws Exception {
        String init = database == Database.POSTGRESQL ? "SET lock_timeout = '300ms'" : "SET SESSION innodb_lock_wait_timeout = 1";
        withOwnStore(database, "", init, (store, key) -> {
            assertThatThrownBy(() -> store.complete(NS, key, "o", Outcome.value("1"), Duration.ofMinutes(1)))
                    .isInstanceOf(IdempotencyStoreException.class).hasMessageContaining(key)
                    .satisfies(e -> assertThat(((IdempotencyStoreException) e).isUnreachable()).isFalse());
        });
    }

    @ParameterizedTest
    @EnumSource(value = Database.class, names = {"POSTGRESQL", "MARIADB"})
    void aSocketTimeoutAfterTheStatementWasSentIsNotUnreachable(Database database) throws Exception {
        String socketTimeout = database == Database.POSTGRESQL ? "&socketTimeout=1" : "&socketTimeout=1000";
        withOwnStore(database, socketTimeout, null, (store, key) -> {
            assertThatThrownBy(() -> store.complete(NS, key, "o", Outcome.value("1"), Duration.ofMinutes(1)))
                    .isInstanceOf(IdempotencyStoreException.class)
                    .satisfies(e -> assertThat(((IdempotencyStoreException) e).isUnreachable())
                            .as("the database may have completed it: %s", e).isFalse());
        });
    }

    @ParameterizedTest
    @EnumSource(value = Database.class, names = {"POSTGRESQL", "MARIADB"})
    void aRenewalNeverWaitsLongForARowLockSomeoneElseHolds(Database database) throws Exception {
        ExecutorService keeper = Executors.newSingleThreadExecutor();
        try {
            withOwnStore(database, "", null, (store, key) -> {
                long began = System.nanoTime();
                Future<Object> renewal = keeper.submit(() -> store.renew(NS, key, "o", Duration.ofSeconds(2)));
                // on timeout the lock is let go (withOwnStore rolls back), which ends the renewal
                Throwable failure = org.junit.jupiter.api.Assertions.assertThrows(java.util.concurrent.ExecutionException.class,
                        () -> renewal.get(10, TimeUnit.SECONDS)).getCause();
                assertThat(failure).isInstanceOf(IdempotencyStoreException.class);
                assertThat(((IdempotencyStoreException) failure).isUnreachable()).isFalse();
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began)).as("bounded by half the lease")
                        .isLessThan(5_000);
            });
        } finally {
            keeper.shutdownNow();
        }
    }

    @Test
    void aKeyPostgresqlRejectsIsNotUnreachable() {
        JdbcStore store = JdbcStore.builder(Databases.postgres()).database(Database.POSTGRESQL)
                .table(Databases.DB_CLOCK_TABLE).createTable(true).purgeInterval(Duration.ZERO).build();
        String key = "nul\u0000" + UUID.randomUUID();
        assertThatThrownBy(() -> store.claim(NS, key, "o", "fp", Duration.ofSeconds(30)))
                .isInstanceOf(IdempotencyStoreException.class)
                .satisfies(e -> assertThat(((IdempotencyStoreException) e).isUnreachable()).isFalse());
    }

    @ParameterizedTest
    @EnumSource(value = Database.class, names = {"POSTGRESQL", "MARIADB"})
    void aRealDeadlockIsADeadlockAndNotUnreachable(Database database) throws Exception {
        var ds = Databases.of(database);
        String table = Databases.PREFIX + "deadlock_" + UUID.randomUUID().toString().substring(0, 8);
        Databases.execute(ds, "CREATE TABLE " + table + " (id INT PRIMARY KEY, v INT)",
                "INSERT INTO " + table + " VALUES (1, 0), (2, 0)");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Connection a = ds.getConnection(); Connection b = ds.getConnection()) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            execute(a, "UPDATE " + table + " SET v = 1 WHERE id = 1");
            execute(b, "UPDATE " + table + " SET v = 1 WHERE id = 2");
            Future<SQLException> fromA = pool.submit(() -> attempt(a, "UPDATE " + table + " SET v = 2 WHERE id = 2"));
            Future<SQLException> fromB = pool.submit(() -> attempt(b, "UPDATE " + table + " SET v = 2 WHERE id = 1"));
            SQLException ea = fromA.get(30, TimeUnit.SECONDS);
            SQLException eb = fromB.get(30, TimeUnit.SECONDS);
            SQLException deadlock = ea != null ? ea : eb;
            assertThat((Object) deadlock).as("one of the two was chosen").isNotNull();
            assertThat(SqlErrors.isDeadlock(deadlock)).as(SqlErrors.describe(deadlock)).isTrue();
            assertThat(SqlErrors.isUnreachable(deadlock)).isFalse();
            a.rollback();
            b.rollback();
            a.setAutoCommit(true);
            b.setAutoCommit(true);
        } finally {
            pool.shutdownNow();
            Databases.execute(ds, "DROP TABLE IF EXISTS " + table);
        }
    }

    // ---- keys ----

    @Test
    void aStringThatIsNotWellFormedUnicodeIsRefusedNeverHashedLikeAnother() {
        JdbcStore store = Databases.store(Database.H2, null);
        String id = UUID.randomUUID().toString();
        for (String[] bad : new String[][] {{NS, "lone-high-\uD800" + id}, {NS, "lone-low-\uDC00" + id},
                {NS + "\uD83D", "k" + id}}) {
            assertThatThrownBy(() -> store.claim(bad[0], bad[1], "o", "fp", Duration.ofSeconds(30)))
                    .isInstanceOf(IdempotencyStoreException.class).hasMessageContaining("not well-formed Unicode")
                    .hasMessageContaining("\\uD")
                    .satisfies(e -> assertThat(((IdempotencyStoreException) e).isUnreachable()).isFalse())
                    .satisfies(e -> assertThat(((IdempotencyStoreException) e).getKey()).isEqualTo(bad[1]));
            assertThatThrownBy(() -> store.read(bad[0], bad[1])).isInstanceOf(IdempotencyStoreException.class);
        }
        // what a lenient encoder would have made of the first: its own key, free
        assertThat(store.claim(NS, "lone-high-?" + id, "o", "fp", Duration.ofSeconds(30)))
                .isInstanceOf(ClaimResult.Claimed.class);
        // a well-formed pair is a character like any other
        assertThat(store.claim(NS, "pair-\uD83D\uDE00" + id, "o", "fp", Duration.ofSeconds(30)))
                .isInstanceOf(ClaimResult.Claimed.class);
    }

    // ---- helpers ----

    /** A store on a pool of its own, whose key "held" is claimed by "o" and then row-locked by another transaction. */
    private void withOwnStore(Database database, String urlSuffix, String connectionInitSql,
                              StoreAction action) throws Exception {
        Databases.of(database); // skips (or fails under CI) when the server is down
        String table = Databases.PREFIX + "fail_" + UUID.randomUUID().toString().substring(0, 8);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(Databases.url(database) + urlSuffix);
        config.setMaximumPoolSize(4);
        config.setConnectionTimeout(5_000);
        if (connectionInitSql != null) {
            config.setConnectionInitSql(connectionInitSql);
        }
        try (HikariDataSource ds = new HikariDataSource(config)) {
            JdbcStore store = JdbcStore.builder(ds).database(database).table(table).createTable(true)
                    .purgeInterval(Duration.ZERO).build();
            String key = "held-" + UUID.randomUUID();
            assertThat(store.claim(NS, key, "o", "fp", Duration.ofMinutes(1))).isInstanceOf(ClaimResult.Claimed.class);
            try (Connection locker = Databases.of(database).getConnection()) {
                locker.setAutoCommit(false);
                try (PreparedStatement ps = locker.prepareStatement("SELECT state FROM " + table
                        + " WHERE key_hash = ? FOR UPDATE")) {
                    ps.setBytes(1, JdbcStore.hash(NS, key));
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                    }
                }
                try {
                    action.run(store, key);
                } finally {
                    locker.rollback();
                    locker.setAutoCommit(true);
                }
            }
            store.close();
        } finally {
            Databases.execute(Databases.of(database), "DROP TABLE IF EXISTS " + table);
        }
    }

    @FunctionalInterface
    private interface StoreAction {
        void run(JdbcStore store, String key) throws Exception;
    }

    private static SQLException attempt(Connection c, String sql) {
        try {
            execute(c, sql);
            return null;
        } catch (SQLException e) {
            return e;
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static int deadPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort(); // closed again: nothing listens there
        }
    }

}
