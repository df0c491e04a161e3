package dev.idempotency.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Transactional mode for plain JDBC: binds the connection of an open transaction to the current thread, so that
 * {@code @Idempotent} methods called inside it claim and complete their record on that connection, and the record
 * commits or rolls back with the business writes.
 *
 * <pre>{@code
 * try (Connection connection = dataSource.getConnection()) {
 *     connection.setAutoCommit(false);
 *     try (var tx = JdbcIdempotency.bind(connection)) {
 *         service.pay(request);          // @Idempotent: claim, business writes and completion on this connection
 *         connection.commit();           // the record and the business rows become visible together
 *     } catch (RuntimeException e) {
 *         connection.rollback();         // neither survives: the key is free again at once
 *         throw e;
 *     }
 * }
 * }</pre>
 *
 * The binding applies to every JDBC store on this thread; the connection must reach the store's table. Close it on
 * the thread that bound it (try-with-resources), after the commit or rollback.
 */
public final class JdbcIdempotency {

    private static final ThreadLocal<Binding> CURRENT = new ThreadLocal<>();

    private JdbcIdempotency() {
    }

    /**
     * Binds the connection, whose transaction must be open ({@code autoCommit} off), to this thread until the
     * returned binding is closed.
     *
     * @param connection the connection of the open transaction; it stays the caller's to commit, roll back and close
     * @return the binding, to close (try-with-resources) on this thread after the commit or rollback
     * @throws NullPointerException if {@code connection} is {@code null}
     * @throws IllegalArgumentException if the connection is in autocommit mode, or its mode cannot be read
     * @throws IllegalStateException if another connection is already bound on this thread
     */
    public static Binding bind(Connection connection) {
        Objects.requireNonNull(connection, "connection");
        boolean autoCommit;
        try {
            autoCommit = connection.getAutoCommit();
        } catch (SQLException e) {
            throw new IllegalArgumentException("cannot bind the connection: " + SqlErrors.describe(e), e);
        }
        if (autoCommit) {
            throw new IllegalArgumentException("cannot bind a connection in autocommit mode: call"
                    + " connection.setAutoCommit(false) first, so that the record commits with the business writes");
        }
        if (CURRENT.get() != null) {
            throw new IllegalStateException("a connection is already bound to this thread; close its binding first");
        }
        Binding binding = new Binding(connection);
        CURRENT.set(binding);
        return binding;
    }

    /** The binding of this thread, or {@code null}. */
    static Binding current() {
        return CURRENT.get();
    }

    /** A connection bound to a thread; closing it unbinds it. */
    public static final class Binding implements AutoCloseable {
        private final Connection connection;
        private final List<Runnable> onClose = new ArrayList<>();
        private boolean closed;

        private Binding(Connection connection) {
            this.connection = connection;
        }

        /**
         * The bound connection.
         *
         * @return the connection given to {@link JdbcIdempotency#bind}
         */
        public Connection connection() {
            return connection;
        }

        void onClose(Runnable action) {
            onClose.add(action);
        }

        /** Unbinds the connection. Call it after the commit or rollback, on the thread that bound it. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (CURRENT.get() == this) {
                CURRENT.remove();
            }
            for (Runnable action : onClose) {
                action.run();
            }
            onClose.clear();
        }
    }
}
