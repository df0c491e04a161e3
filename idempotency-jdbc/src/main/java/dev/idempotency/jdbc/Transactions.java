package dev.idempotency.jdbc;

import java.sql.Connection;
import javax.sql.DataSource;

/**
 * Finds the transaction that the current thread runs in, if any: a connection bound with
 * {@link JdbcIdempotency#bind}, or else the connection of Spring's current transaction on the store's
 * {@code DataSource} (when spring-jdbc is on the classpath).
 */
final class Transactions {

    /** An open transaction on this thread: its connection, and a way to learn when it ends. */
    interface Tx {
        Connection connection();

        /** Runs the action once the transaction has ended (committed or rolled back). */
        void onEnd(Runnable action);
    }

    private static final boolean SPRING = present("org.springframework.transaction.support.TransactionSynchronizationManager")
            && present("org.springframework.jdbc.datasource.ConnectionHolder");

    private Transactions() {
    }

    /** The transaction of this thread on the data source, or {@code null} when there is none. */
    static Tx current(DataSource dataSource) {
        JdbcIdempotency.Binding binding = JdbcIdempotency.current();
        if (binding != null) {
            return new Tx() {
                @Override
                public Connection connection() {
                    return binding.connection();
                }

                @Override
                public void onEnd(Runnable action) {
                    binding.onClose(action);
                }
            };
        }
        return SPRING ? SpringTransactions.current(dataSource) : null;
    }

    static boolean springDetected() {
        return SPRING;
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, Transactions.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
