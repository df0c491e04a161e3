package dev.idempotency.jdbc;

import java.sql.Connection;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The connection of Spring's current transaction on a data source: the one {@code DataSourceTransactionManager}
 * (or a JPA transaction manager that exposes its JDBC connection) bound to the thread. Loaded only when
 * spring-jdbc is on the classpath.
 */
final class SpringTransactions {

    private SpringTransactions() {
    }

    static Transactions.Tx current(DataSource dataSource) {
        if (!TransactionSynchronizationManager.isActualTransactionActive()
                || !TransactionSynchronizationManager.isSynchronizationActive()) {
            return null;
        }
        if (!(TransactionSynchronizationManager.getResource(dataSource) instanceof ConnectionHolder holder)
                || !holder.isSynchronizedWithTransaction()) {
            return null;
        }
        Connection connection;
        try {
            connection = holder.getConnection();
        } catch (IllegalStateException noConnection) {
            return null;
        }
        return new Transactions.Tx() {
            @Override
            public Connection connection() {
                return connection;
            }

            @Override
            public void onEnd(Runnable action) {
                TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                    @Override
                    public void afterCompletion(int status) {
                        action.run();
                    }
                });
            }
        };
    }
}
