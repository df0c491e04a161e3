package dev.idempotency.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.jdbc.fixtures.Payments;
import dev.idempotency.jdbc.fixtures.Receipt;
import dev.idempotency.spi.ForwardingIdempotencyStore;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.StoredRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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
 * Duplicates that wait inside a transaction: a waiter never holds a lock that the holder of the key needs (to
 * complete, release or renew), and several waiters on one key never deadlock each other. Each run has a table of its
 * own, so that the lock waits it looks for are its own.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@SuppressWarnings("try") // the binding is held for its scope, not referenced
abstract class TransactionalWaitersSuite {

    private final Database database;
    private DataSource dataSource;
    private String table;
    private JdbcStore store;
    private ExecutorService pool;
    private final CountDownLatch firstRead = new CountDownLatch(1);

    TransactionalWaitersSuite(Database database) {
        this.database = database;
    }

    @BeforeEach
    void setUp() {
        dataSource = Databases.of(database);
        Databases.execute(dataSource, Payments.DDL);
        table = Databases.PREFIX + "waiters_" + UUID.randomUUID().toString().substring(0, 8);
        store = JdbcStore.builder(dataSource).database(database).table(table).createTable(true)
                .purgeInterval(Duration.ZERO).build();
        // failOpen: a store error on the waiter's side would run the method a second time, which the tests count
        Idempotency.configure(IdempotencyConfig.builder().store(new ObservedStore(store)).failOpen(true).build());
        pool = Executors.newCachedThreadPool();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(20, TimeUnit.SECONDS);
        Idempotency.reset();
        Databases.execute(dataSource, "DROP TABLE IF EXISTS " + table);
    }

    @Test
    void aWaiterInsideATransactionNeverBlocksTheHolderWhichCompletesAndIsReplayed() throws Exception {
        String id = "w-" + UUID.randomUUID();
        Payments holder = new Payments("holder");
        Payments waiter = new Payments("waiter");
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        holder.afterWrite = () -> {
            running.countDown();
            await(finish);
        };
        // the holder runs outside any transaction: its claim is committed, and it completes on a pool connection
        Future<Receipt> first = pool.submit(() -> {
            try (Connection c = dataSource.getConnection()) {
                holder.connection.set(c);
                return holder.payOrWait(id, 100);
            }
        });
        assertThat(running.await(20, TimeUnit.SECONDS)).isTrue();
        java.util.concurrent.atomic.AtomicReference<Thread> waiting = new java.util.concurrent.atomic.AtomicReference<>();
        Callable<Receipt> inTx = inTransaction(waiter, () -> waiter.payOrWait(id, 100));
        Future<Receipt> duplicate = pool.submit(() -> {
            waiting.set(Thread.currentThread());
            return inTx.call();
        });
        // The waiter waits: either on the store (it has claimed-or-read, with whatever locks its claim left behind),
        // or, as a call of the same runtime as the holder, on the holder itself without asking the store.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (firstRead.getCount() > 0 && !(waiting.get() != null
                && (waiting.get().getState() == Thread.State.WAITING
                || waiting.get().getState() == Thread.State.TIMED_WAITING))) {
            assertThat(System.nanoTime() - deadline).as("the duplicate waits").isNegative();
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        finish.countDown();
        Receipt receipt = first.get(10, TimeUnit.SECONDS); // completes on a pool connection: must not wait for the waiter
        assertThat(duplicate.get(20, TimeUnit.SECONDS)).isEqualTo(receipt);
        assertThat(holder.runs.get() + waiter.runs.get()).as("executions").isEqualTo(1);
        assertThat(CrashTest.businessRows(dataSource, id)).isEqualTo(1);
    }

    @Test
    void twoWaitersOnATransactionThatRollsBackDoNotDeadlock() throws Exception {
        String id = "w-" + UUID.randomUUID();
        Payments first = new Payments("first");
        Payments b = new Payments("b");
        Payments c = new Payments("c");
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (var tx = JdbcIdempotency.bind(connection)) {
                first.connection.set(connection);
                first.pay(id, 100);
            } finally {
                first.connection.remove();
            }
            Future<Receipt> fromB = pool.submit(inTransaction(b, () -> b.pay(id, 100)));
            Future<Receipt> fromC = pool.submit(inTransaction(c, () -> c.pay(id, 100)));
            awaitLockWaits(2, fromB, fromC);
            connection.rollback();
            connection.setAutoCommit(true);
            Receipt rb = fromB.get(30, TimeUnit.SECONDS);
            Receipt rc = fromC.get(30, TimeUnit.SECONDS);
            assertThat(rb).isEqualTo(rc);
        }
        assertThat(b.runs.get() + c.runs.get()).as("executions after the rollback").isEqualTo(1);
        assertThat(CrashTest.businessRows(dataSource, id)).isEqualTo(1);
    }

    /** Runs the call in a transaction of its own, with the connection bound, and commits. */
    private Callable<Receipt> inTransaction(Payments payments, Callable<Receipt> call) {
        return () -> {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try (var tx = JdbcIdempotency.bind(c)) {
                    payments.connection.set(c);
                    Receipt r = call.call();
                    c.commit();
                    return r;
                } catch (Exception e) {
                    c.rollback();
                    throw e;
                } finally {
                    payments.connection.remove();
                    c.setAutoCommit(true);
                }
            }
        };
    }

    /**
     * Waits until this many sessions wait for a lock in a statement on this test's table (on MariaDB: run a statement
     * on it, which can only be waiting while the first transaction holds its key).
     */
    private void awaitLockWaits(int sessions, Future<?>... calls) throws Exception {
        String sql = database == Database.POSTGRESQL
                ? "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE ?"
                : "SELECT count(*) FROM information_schema.PROCESSLIST WHERE command = 'Query' AND info LIKE ?"
                        + " AND id <> CONNECTION_ID()"; // INNODB_TRX does not show every lock wait as such
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, "%" + table + "%");
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) >= sessions) {
                        return;
                    }
                }
                for (Future<?> call : calls) {
                    if (call.isDone()) {
                        call.get(); // its failure, if any
                        throw new AssertionError("a call ended before the transaction it should wait for");
                    }
                }
                assertThat(System.nanoTime() - deadline).as("%d sessions waiting on %s", sessions, table).isNegative();
                Thread.sleep(20);
            }
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The store, telling the test when a waiting duplicate first reads the record. */
    private final class ObservedStore extends ForwardingIdempotencyStore {

        ObservedStore(IdempotencyStore store) {
            super(store);
        }

        @Override
        public StoredRecord read(String namespace, String key) {
            firstRead.countDown();
            return super.read(namespace, key);
        }
    }
}
