package dev.idempotency.jdbc;

import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;

/** What a database's error means, across drivers. */
final class SqlErrors {

    private SqlErrors() {
    }

    /**
     * Whether the error is a unique-key violation: SQLState 23505 (PostgreSQL, H2) or MariaDB error 1062
     * (SQLState 23000, which those drivers also use for other integrity errors, so the vendor code decides).
     */
    static boolean isDuplicateKey(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                if ("23505".equals(s.getSQLState()) || s.getErrorCode() == 1062 && "23000".equals(s.getSQLState())) {
                    return true;
                }
                if (s instanceof SQLIntegrityConstraintViolationException && s.getErrorCode() == 1062) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether a statement's error says that the database cannot be reached: the connection was refused, broken or
     * lost (SQLState class 08, the drivers' connection exceptions). A timeout is not: the statement was sent, and the
     * database may have acted on it, so it is not known to be unreachable.
     */
    static boolean isUnreachable(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLTimeoutException || t instanceof java.net.SocketTimeoutException
                    || t instanceof java.io.InterruptedIOException) {
                return false;
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException
                    || t instanceof java.sql.SQLNonTransientConnectionException
                    || t instanceof java.net.ConnectException || t instanceof java.net.NoRouteToHostException
                    || t instanceof java.net.UnknownHostException) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    /** Whether the database refused the credentials (SQLState class 28, MariaDB error 1045). */
    static boolean isAuthorizationFailure(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s
                    && (s.getErrorCode() == 1045 || s.getSQLState() != null && s.getSQLState().startsWith("28"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the database gave up on the statement to break a deadlock or a serialization conflict: SQLState 40001
     * (MariaDB error 1213, PostgreSQL's serialization failure), 40P01 (PostgreSQL's deadlock). Such a statement
     * did nothing, but the database rolled back (PostgreSQL: aborted) the whole transaction it ran in.
     */
    static boolean isDeadlock(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && (s.getErrorCode() == 1213 || "40001".equals(s.getSQLState())
                    || "40P01".equals(s.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the statement waited for a row lock for longer than the database allows: MariaDB error 1205
     * ({@code innodb_lock_wait_timeout}), PostgreSQL's 55P03 ({@code lock_timeout}). The statement did nothing; on
     * PostgreSQL the transaction is aborted, on MariaDB only the statement is undone (unless
     * {@code innodb_rollback_on_timeout} is on).
     */
    static boolean isLockTimeout(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && (s.getErrorCode() == 1205 || "55P03".equals(s.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /** A short description for messages: SQLState, vendor code and message. */
    static String describe(SQLException e) {
        return "[SQLState " + e.getSQLState() + ", code " + e.getErrorCode() + "] " + e.getMessage();
    }
}
