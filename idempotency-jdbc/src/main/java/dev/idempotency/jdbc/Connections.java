package dev.idempotency.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import javax.sql.DataSource;

/**
 * The store's way to its database: autocommit connections from the data source, the transaction the calling thread
 * runs in, what a failure to connect means, and the close rule. A pool the store created itself (a store from a
 * {@code jdbc:} URI) is the store's and closed with it; a {@link DataSource} handed to the builder is the caller's and
 * never closed here.
 */
final class Connections {

    private static final System.Logger LOG = System.getLogger("dev.idempotency.jdbc");

    private final DataSource dataSource;
    /** The pool this store created, closed with it; null for a data source the caller handed in. */
    private final OwnedPool owned;

    Connections(DataSource dataSource, OwnedPool owned) {
        this.dataSource = dataSource;
        this.owned = owned;
    }

    DataSource dataSource() {
        return dataSource;
    }

    /** A connection of the data source in autocommit mode: each statement commits at once. */
    Connection autocommit() throws SQLException {
        Connection c;
        try {
            c = dataSource.getConnection();
        } catch (SQLException e) {
            throw new NoConnection(e);
        }
        try {
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true);
            }
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** The open transaction this call runs in on the store's data source, or null. */
    Transactions.Tx openTransaction() throws SQLException {
        Transactions.Tx tx = Transactions.current(dataSource);
        return tx != null && !tx.connection().getAutoCommit() ? tx : null;
    }

    /** The current thread's transaction on the store's data source, open or not, or null. */
    Transactions.Tx currentTransaction() {
        return Transactions.current(dataSource);
    }

    /** The first contact succeeded: an owned pool may now keep connections ready. */
    void firstContactMade() {
        if (owned != null) {
            owned.firstContactMade();
        }
    }

    /** Closes the pool the store created; a data source the caller handed in is left alone. */
    void closeOwned(String store) {
        if (owned != null) {
            try {
                owned.close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "idempotency: closing the connection pool of " + store
                        + " failed: " + e);
            }
        }
    }

    /** The data source gave no connection: nothing was sent. */
    static final class NoConnection extends SQLException {
        private static final long serialVersionUID = 1L;

        NoConnection(SQLException cause) {
            super(cause.getMessage(), cause.getSQLState(), cause.getErrorCode(), cause);
        }

        /** The same failure, thrown again from another call: this call's trace, the data source's own cause. */
        NoConnection again() {
            return new NoConnection((SQLException) getCause());
        }
    }

    /**
     * Whether the database could not be reached at all: no connection (unless it refused the credentials, or the pool
     * is only busy), or one lost before an answer other than a timeout. Only then may a runtime with failOpen run the
     * method unprotected.
     */
    static boolean unreachable(SQLException e) {
        if (!(e instanceof NoConnection)) {
            return SqlErrors.isUnreachable(e);
        }
        SQLException refused = (SQLException) e.getCause();
        if (SqlErrors.isAuthorizationFailure(refused)) {
            return false;
        }
        if (refused instanceof SQLTransientConnectionException && refused.getCause() == null
                && refused.getSQLState() == null) {
            // a pool that timed out waiting for one of its own connections, with no failed connect behind it: the
            // database answers, the pool is busy (a burst, slow calls); that is no reason to run unprotected
            return false;
        }
        if (refused instanceof SQLTransientConnectionException && refused.getCause() instanceof SQLException last) {
            return SqlErrors.isUnreachable(last); // the pool's last failed connect says why
        }
        return true; // the driver could not connect
    }

    /**
     * A failure for a message: the error, and for a pool that gave no connection the reason of its last failed
     * connect (a pool's timeout alone does not say that the password was wrong).
     */
    static String describe(SQLException e) {
        String text = SqlErrors.describe(e);
        SQLException from = e instanceof NoConnection ? (SQLException) e.getCause() : e;
        if (from.getCause() instanceof SQLException last && last.getMessage() != null
                && !last.getMessage().equals(e.getMessage())) {
            text += "; the last attempt to connect failed with " + SqlErrors.describe(last);
        }
        return text;
    }
}
