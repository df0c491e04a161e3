package dev.idempotency.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.jdbc.fixtures.Payments;
import dev.idempotency.jdbc.fixtures.Receipt;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Transactional mode with plain JDBC, in one process: the record commits and rolls back with the business row, a
 * duplicate waits for the first transaction and then replays, and a lease shorter than the transaction is harmless.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@SuppressWarnings("try") // the binding is held for its scope, not referenced
abstract class TransactionalModeSuite {

    private final Database database;
    private DataSource dataSource;
    private JdbcStore store;
    private Payments payments;
    private ExecutorService pool;

    TransactionalModeSuite(Database database) {
        this.database = database;
    }

    @BeforeEach
    void setUp() {
        dataSource = Databases.of(database);
        Databases.execute(dataSource, Payments.DDL);
        store = Databases.store(database, null);
        Idempotency.configure(IdempotencyConfig.builder().store(store).build());
        payments = new Payments("test");
        pool = Executors.newCachedThreadPool();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        Idempotency.reset();
    }

    /** Pays inside a new transaction with the connection bound; commits or rolls back as told. */
    private Receipt payInTransaction(String orderId, boolean commit) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (var tx = JdbcIdempotency.bind(c)) {
                payments.connection.set(c);
                Receipt receipt = payments.pay(orderId, 100);
                if (commit) {
                    c.commit();
                } else {
                    c.rollback();
                }
                return receipt;
            } catch (RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                payments.connection.remove();
                c.setAutoCommit(true);
            }
        }
    }

    private int businessRows(String orderId) throws SQLException {
        return CrashTest.businessRows(dataSource, orderId);
    }

    private static String orderId() {
        return "o-" + UUID.randomUUID();
    }

    @Test
    void theRecordCommitsWithTheBusinessRowAndReplays() throws Exception {
        String id = orderId();
        Receipt first = payInTransaction(id, true);
        assertThat(store.read("idemjdbc.Payments.pay", id).isCompleted()).isTrue();
        assertThat(payInTransaction(id, true)).isEqualTo(first);
        assertThat(payments.runs).hasValue(1);
        assertThat(businessRows(id)).isEqualTo(1);
    }

    @Test
    void aRollbackTakesTheRecordWithItAndTheKeyIsFreeAtOnce() throws Exception {
        String id = orderId();
        payInTransaction(id, false);
        assertThat(store.read("idemjdbc.Payments.pay", id)).as("no record survives the rollback").isNull();
        assertThat(businessRows(id)).isZero();
        long start = System.nanoTime();
        payInTransaction(id, true);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("no wait for the 60 s lease")
                .isLessThan(10_000);
        assertThat(payments.runs).hasValue(2);
        assertThat(businessRows(id)).isEqualTo(1);
    }

    @Test
    void theClaimIsInsideTheTransactionAndInvisibleUntilItCommits() throws Exception {
        String id = orderId();
        Object[] seen = new Object[2];
        payments.afterWrite = () -> {
            seen[0] = store.read("idemjdbc.Payments.pay", id); // another connection: the claim is not committed
            try (PreparedStatement ps = payments.connection.get().prepareStatement(
                    "SELECT state FROM " + store.table() + " WHERE key_hash = ?")) {
                ps.setBytes(1, JdbcStore.hash("idemjdbc.Payments.pay", id));
                try (ResultSet rs = ps.executeQuery()) {
                    seen[1] = rs.next() ? rs.getString(1) : null; // the transaction's own connection sees it
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        };
        payInTransaction(id, true);
        assertThat(seen[0]).isNull();
        assertThat(seen[1]).isEqualTo("IN_PROGRESS");
    }

    @Test
    void aDuplicateWaitsForTheFirstTransactionAndThenReplays() throws Exception {
        String id = orderId();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            Receipt first;
            try (var tx = JdbcIdempotency.bind(c)) {
                payments.connection.set(c);
                first = payments.pay(id, 100);
            } finally {
                payments.connection.remove();
            }
            // the first transaction is still open: a duplicate (here outside any transaction) waits on the key
            Future<Receipt> duplicate = pool.submit(() -> payments.pay(id, 100));
            Thread.sleep(300);
            assertThat(duplicate).as("blocked on the unique key").isNotDone();
            c.commit();
            c.setAutoCommit(true);
            assertThat(duplicate.get(20, TimeUnit.SECONDS)).isEqualTo(first);
        }
        assertThat(payments.runs).hasValue(1);
        assertThat(businessRows(id)).isEqualTo(1);
    }

    @Test
    void aDuplicateWaitingOnATransactionThatRollsBackRunsItself() throws Exception {
        String id = orderId();
        Payments other = new Payments("other");
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (var tx = JdbcIdempotency.bind(c)) {
                payments.connection.set(c);
                payments.pay(id, 100);
            } finally {
                payments.connection.remove();
            }
            Future<Receipt> duplicate = pool.submit(() -> {
                try (Connection c2 = dataSource.getConnection()) {
                    c2.setAutoCommit(false);
                    try (var tx = JdbcIdempotency.bind(c2)) {
                        other.connection.set(c2);
                        Receipt r = other.pay(id, 100);
                        c2.commit();
                        return r;
                    }
                }
            });
            Thread.sleep(300);
            assertThat(duplicate).isNotDone();
            c.rollback();
            c.setAutoCommit(true);
            assertThat(duplicate.get(20, TimeUnit.SECONDS).chargedBy()).isEqualTo("other");
        }
        assertThat(businessRows(id)).isEqualTo(1);
    }

    @Test
    void anExceptionReleasesTheClaimInsideTheTransaction() throws Exception {
        String id = orderId();
        payments.failNext = new IllegalStateException("card declined");
        assertThatThrownBy(() -> payInTransaction(id, true)).hasMessage("card declined");
        assertThat(store.read("idemjdbc.Payments.pay", id)).isNull();
        assertThat(businessRows(id)).isZero();
        payInTransaction(id, true);
        assertThat(payments.runs).hasValue(2);
        assertThat(businessRows(id)).isEqualTo(1);
    }

    @Test
    void aLeaseShorterThanTheTransactionIsNotLost() throws Exception {
        String id = orderId();
        Receipt first;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (var tx = JdbcIdempotency.bind(c)) {
                payments.connection.set(c);
                first = payments.slowPay(id, 5, 1_000); // lease 0.3 s: the keeper "renews" it three times
                c.commit();
            } finally {
                payments.connection.remove();
                c.setAutoCommit(true);
            }
        }
        assertThat(store.read("idemjdbc.Payments.slowPay", id).isCompleted()).isTrue();
        assertThat(payments.slowPay(id, 5, 0)).isEqualTo(first);
        assertThat(payments.runs).hasValue(1);
        assertThat(businessRows(id)).isEqualTo(1);
    }

    @Test
    void bindingNeedsAnOpenTransaction() throws Exception {
        try (Connection c = dataSource.getConnection()) {
            assertThatThrownBy(() -> JdbcIdempotency.bind(c)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("autocommit");
            c.setAutoCommit(false);
            try (var tx = JdbcIdempotency.bind(c)) {
                assertThatThrownBy(() -> JdbcIdempotency.bind(c)).isInstanceOf(IllegalStateException.class);
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
    }
}
