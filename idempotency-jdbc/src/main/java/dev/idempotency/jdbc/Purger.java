package dev.idempotency.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Deletes expired records: in batches, each its own short statement that skips or waits only for rows other
 * statements are changing, until a batch comes back short; and, unless the interval is zero, every interval on a
 * daemon thread of its own, stopped by {@link #close()}.
 */
final class Purger implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("dev.idempotency.jdbc");
    private static final int MAX_BATCHES_PER_RUN = 200;

    private final Connections connections;
    private final Clock clock;
    private final int batchSize;
    private ScheduledExecutorService thread;

    Purger(Connections connections, Clock clock, int batchSize) {
        this.connections = connections;
        this.clock = clock;
        this.batchSize = batchSize;
    }

    /** Purges every interval in the background (processes that start together spread their purges over it). */
    synchronized void start(Duration interval, IntSupplier purge, String table) {
        if (interval.isZero() || thread != null) {
            return;
        }
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "idempotency-jdbc-purge");
            t.setDaemon(true);
            return t;
        });
        long every = interval.toMillis();
        long first = every / 2 + ThreadLocalRandom.current().nextLong(Math.max(1, every / 2));
        thread.scheduleWithFixedDelay(() -> {
            try {
                int deleted = purge.getAsInt();
                if (deleted > 0) {
                    LOG.log(System.Logger.Level.DEBUG, "idempotency: purged " + deleted + " expired records from " + table);
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "idempotency: " + e.getMessage());
            }
        }, first, every, TimeUnit.MILLISECONDS);
    }

    /**
     * One purge run with the statements: the number of records deleted.
     *
     * @throws Failure with the number deleted before a statement failed
     */
    int purge(Statements s) throws Failure {
        Sql.Args a = new Sql.Args();
        a.limit = batchSize;
        int total = 0;
        try {
            for (int batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
                a.now = clock.millis();
                int deleted;
                try (Connection c = connections.autocommit()) {
                    if (s.innoDb()) {
                        // the next transaction only: READ COMMITTED takes no gap locks, so inserts are never blocked
                        try (Statement st = c.createStatement()) {
                            st.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
                        }
                    }
                    deleted = s.purge.update(c, a);
                }
                total += deleted;
                if (deleted < batchSize) {
                    break;
                }
            }
        } catch (SQLException e) {
            throw new Failure(total, e);
        }
        return total;
    }

    /** Stops the background thread; idempotent. */
    @Override
    public synchronized void close() {
        if (thread != null) {
            thread.shutdownNow();
        }
    }

    /** A purge statement failed after {@link #deleted} records were deleted. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final int deleted;

        Failure(int deleted, SQLException cause) {
            super(cause);
            this.deleted = deleted;
        }

        SQLException sqlCause() {
            return (SQLException) getCause();
        }
    }
}
