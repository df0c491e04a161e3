package dev.idempotency.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.Locale;
import java.util.Objects;

/**
 * The business unique key as the idempotency check: an insert that the database refuses as a duplicate of its
 * unique key (an order number, a payment reference) means "already done", and the existing row is the answer.
 *
 * <pre>{@code
 * BusinessKeyGuard.Result<Order> r = BusinessKeyGuard.insertOnce(connection,
 *         "INSERT INTO orders (order_no, amount) VALUES (?, ?)",
 *         c -> findOrder(c, orderNo),          // the existing row, read when the insert was a duplicate
 *         orderNo, amount);
 * if (r instanceof BusinessKeyGuard.AlreadyExists<Order> done) return done.existing();
 *
 * // MariaDB: "SELECT … FROM orders WHERE order_no = ? LOCK IN SHARE MODE"; PostgreSQL, H2: a plain SELECT
 * }</pre>
 *
 * <p>The lookup: on MariaDB (InnoDB) the duplicate insert leaves a <em>shared</em> lock on the existing row
 * until the transaction ends. Read it with a shared locking read ({@code … LOCK IN SHARE MODE}), which sees the latest
 * committed row under REPEATABLE READ and goes with that lock; never with {@code FOR UPDATE}: two transactions that
 * met the same row would each wait to turn their shared lock into an exclusive one, a deadlock in which the database
 * rolls one of them back whole. On PostgreSQL (READ COMMITTED) and H2 a plain read sees the committed row.
 *
 * <p>A duplicate is recognised as SQLState 23505 (PostgreSQL, H2) or error 1062 (MariaDB), or as an insert
 * that wrote no row because it skipped the duplicate itself ({@code ON CONFLICT DO NOTHING}, {@code INSERT IGNORE}).
 * PostgreSQL aborts the whole transaction on an error, so inside a transaction a plain insert there runs under a
 * savepoint (two more round trips); an insert with {@code ON CONFLICT … DO NOTHING} needs none and is the cheaper
 * form.
 */
public final class BusinessKeyGuard {

    private BusinessKeyGuard() {
    }

    /**
     * What {@link #insertOnce} did.
     *
     * @param <T> the type of the existing row that the lookup returns
     */
    public sealed interface Result<T> permits Inserted, AlreadyExists {
    }

    /**
     * The row was inserted: the operation is done now, by this call.
     *
     * @param rows the insert's update count
     * @param <T>  the type of the existing row that the lookup would have returned
     */
    public record Inserted<T>(int rows) implements Result<T> {
    }

    /**
     * The key existed: the operation was done before; {@code existing} is what the lookup found.
     *
     * @param existing the row the lookup found, never {@code null}
     * @param <T>      the type of that row
     */
    public record AlreadyExists<T>(T existing) implements Result<T> {
        /**
         * The result for a row that the lookup found.
         *
         * @param existing the row the lookup found
         * @throws NullPointerException if {@code existing} is {@code null}
         */
        public AlreadyExists {
            Objects.requireNonNull(existing, "existing");
        }
    }

    /**
     * Reads the row that holds the business key, on the same connection; {@code null} if there is none.
     *
     * @param <T> the type of the row, as the application maps it
     */
    @FunctionalInterface
    public interface Lookup<T> {
        /**
         * Reads the existing row (on MariaDB with {@code LOCK IN SHARE MODE}, see the class comment).
         *
         * @param connection the connection the insert ran on
         * @return the row, or {@code null} if there is none
         * @throws SQLException if the read fails; it reaches the caller of {@link #insertOnce}
         */
        T find(Connection connection) throws SQLException;
    }

    /**
     * Runs the insert with its parameters bound in order; on a duplicate of a unique key, returns the existing row.
     * The caller's transaction, if any, goes on in either case; with autocommit on, the insert commits by itself.
     *
     * @param connection the connection to insert on, in the caller's transaction or in autocommit mode
     * @param insertSql  an {@code INSERT} with one {@code ?} per parameter
     * @param existing   reads the existing row when the insert was a duplicate
     * @param params     the insert's parameters, bound in order with {@link PreparedStatement#setObject(int, Object)}
     * @param <T>        the type of the existing row
     * @return {@link Inserted} if this call inserted the row, {@link AlreadyExists} with the lookup's row if it existed
     * @throws NullPointerException if {@code connection}, {@code insertSql} or {@code existing} is {@code null}
     * @throws SQLException the insert's own error if it was not a duplicate, or if it was a duplicate but the lookup
     *                      found no row (the violated constraint was another one)
     */
    public static <T> Result<T> insertOnce(Connection connection, String insertSql, Lookup<T> existing, Object... params)
            throws SQLException {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(insertSql, "insertSql");
        Objects.requireNonNull(existing, "existing");
        Savepoint savepoint = needsSavepoint(connection, insertSql) ? connection.setSavepoint() : null;
        int rows;
        try (PreparedStatement ps = connection.prepareStatement(insertSql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            rows = ps.executeUpdate();
        } catch (SQLException e) {
            if (savepoint != null) {
                connection.rollback(savepoint); // the transaction goes on, without the failed insert
            }
            if (!SqlErrors.isDuplicateKey(e)) {
                throw e;
            }
            return alreadyExists(connection, existing, e);
        }
        if (savepoint != null) {
            connection.releaseSavepoint(savepoint);
        }
        if (rows > 0) {
            return new Inserted<>(rows);
        }
        return alreadyExists(connection, existing, null);
    }

    private static <T> Result<T> alreadyExists(Connection connection, Lookup<T> existing, SQLException duplicate)
            throws SQLException {
        T row;
        try {
            row = existing.find(connection);
        } catch (SQLException e) {
            if (SqlErrors.isDeadlock(e)) {
                // same state and code, so that the caller's retry of the transaction still recognises it
                throw new SQLException("the lookup of the existing row deadlocked, and the database rolled back the"
                        + " whole transaction: on MariaDB the duplicate insert holds a shared lock on the row, so"
                        + " read it with LOCK IN SHARE MODE, not FOR UPDATE (" + e.getMessage() + ")",
                        e.getSQLState(), e.getErrorCode(), e);
            }
            throw e;
        }
        if (row != null) {
            return new AlreadyExists<>(row);
        }
        if (duplicate != null) {
            throw duplicate;
        }
        throw new SQLException("the insert wrote no row, but the lookup found no existing row either: the insert"
                + " skips rows for another reason than the business key", "23000");
    }

    /** Inside a PostgreSQL transaction (or an unknown database's), a plain insert's error would abort it. */
    private static boolean needsSavepoint(Connection connection, String insertSql) throws SQLException {
        if (connection.getAutoCommit()) {
            return false;
        }
        Database database = Database.ofProductName(connection.getMetaData().getDatabaseProductName());
        if (database == Database.MARIADB || database == Database.H2) {
            return false; // a failed statement is undone alone; the transaction goes on
        }
        String upper = insertSql.toUpperCase(Locale.ROOT);
        return !(database == Database.POSTGRESQL && upper.contains("ON CONFLICT") && upper.contains("DO NOTHING"));
    }
}
