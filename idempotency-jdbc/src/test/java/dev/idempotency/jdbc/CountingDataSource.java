package dev.idempotency.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * Counts what reaches the database through a data source: executed statements and commits or rollbacks, each a
 * round trip with these drivers. Connection checkout from the pool is not counted (it sends nothing, except the
 * pool's liveness check of a connection idle for more than half a second).
 */
final class CountingDataSource {

    final AtomicInteger statements = new AtomicInteger();
    final AtomicInteger transactionEnds = new AtomicInteger();

    DataSource wrap(DataSource target) {
        return proxy(DataSource.class, target);
    }

    Connection wrap(Connection target) {
        return proxy(Connection.class, target);
    }

    void reset() {
        statements.set(0);
        transactionEnds.set(0);
    }

    @SuppressWarnings("unchecked")
    private <T> T proxy(Class<T> type, T target) {
        InvocationHandler handler = (p, method, args) -> {
            String name = method.getName();
            if (target instanceof Statement && name.startsWith("execute")) {
                statements.incrementAndGet();
            }
            if (target instanceof Connection && (name.equals("commit") || name.equals("rollback"))) {
                transactionEnds.incrementAndGet();
            }
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (result instanceof Connection c && !(target instanceof Connection)) {
                return proxy(Connection.class, c);
            }
            if (result instanceof java.sql.PreparedStatement ps) {
                return proxy(java.sql.PreparedStatement.class, ps);
            }
            if (result instanceof Statement s) {
                return proxy(Statement.class, s);
            }
            return result;
        };
        return (T) Proxy.newProxyInstance(CountingDataSource.class.getClassLoader(), new Class<?>[] {type}, handler);
    }
}
