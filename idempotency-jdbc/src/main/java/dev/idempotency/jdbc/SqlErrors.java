package dev.idempotency.jdbc;

import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;

/** What a database's error means, across drivers. */
final class SqlErrors {

    private SqlErrors() {
    }

    /**
     * Whether the error is a unique-key violation: SQLState 23505 (PostgreSQL, H2) or MySQL/MariaDB error 1062
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

    /** Whether the error says the connection or the server is gone (SQLState class 08, or a pool timeout). */
    static boolean isConnectionFailure(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException || t instanceof java.sql.SQLNonTransientConnectionException
                    || t instanceof java.net.ConnectException || t instanceof java.io.IOException) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("08")) {
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
