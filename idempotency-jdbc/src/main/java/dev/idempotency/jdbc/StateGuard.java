package dev.idempotency.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;

/**
 * A state field as the idempotency check: a compare-and-set transition ({@code UNPAID → PAID}) that tells a transition
 * this call made from one made before and from a row in some other state.
 *
 * <pre>{@code
 * StateGuard.Transition t = StateGuard.transition(connection, "orders", "id", orderId, "status", "UNPAID", "PAID");
 * switch (t.result()) {
 *     case APPLIED -> charge(orderId);          // this call moved the order: do the work once
 *     case ALREADY_DONE -> { }                   // paid before: nothing to do
 *     case CONFLICT -> throw new IllegalStateException("order " + orderId + " is " + t.state());
 *     case NOT_FOUND -> throw new NoSuchElementException("order " + orderId);
 * }
 * }</pre>
 *
 * Table and column names must be plain identifiers ({@code [A-Za-z_][A-Za-z0-9_]*}; the table may be
 * schema-qualified) and are never taken from user input as they come; the id and the states are bound parameters.
 * One round trip when the transition applies; a second one (a locking read, so that it sees the latest committed
 * state under any isolation level) otherwise.
 */
public final class StateGuard {

    private StateGuard() {
    }

    /** How a transition went. */
    public enum Result {
        /** The row was in the expected state and this call moved it to the target state. */
        APPLIED,
        /** The row was already in the target state: done before. */
        ALREADY_DONE,
        /** The row is in another state: neither the expected one nor the target. */
        CONFLICT,
        /** No row has that id. */
        NOT_FOUND
    }

    /**
     * @param result what happened
     * @param state  the row's state after the call: the target state for {@link Result#APPLIED} and
     *               {@link Result#ALREADY_DONE}, the other state for {@link Result#CONFLICT}, null for
     *               {@link Result#NOT_FOUND}
     */
    public record Transition(Result result, String state) {
        /**
         * Whether this call made the transition.
         *
         * @return {@code true} for {@link Result#APPLIED}
         */
        public boolean applied() {
            return result == Result.APPLIED;
        }
    }

    /**
     * Moves the row {@code idColumn = id} from state {@code from} to state {@code to}, if it is in state {@code from}.
     * Runs on the given connection and in its transaction, if any: the caller commits.
     *
     * @param connection  the connection to run on
     * @param table       the table, a plain identifier, optionally schema-qualified
     * @param idColumn    the column that identifies the row, a plain identifier
     * @param id          the row's id, bound as a parameter
     * @param stateColumn the column that holds the state, a plain identifier
     * @param from        the state the row must be in for the transition
     * @param to          the state to move it to; must differ from {@code from}
     * @return how it went, with the row's state after the call
     * @throws NullPointerException     if {@code connection}, {@code id}, {@code from} or {@code to} is {@code null}
     * @throws IllegalArgumentException if a table or column name is not a plain identifier, or {@code from} equals
     *                                  {@code to}
     * @throws SQLException             if the database fails either statement
     */
    public static Transition transition(Connection connection, String table, String idColumn, Object id,
            String stateColumn, String from, String to) throws SQLException {
        Objects.requireNonNull(connection, "connection");
        String t = SqlIdentifiers.table("table", table);
        String idCol = SqlIdentifiers.column("idColumn", idColumn);
        String stateCol = SqlIdentifiers.column("stateColumn", stateColumn);
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (from.equals(to)) {
            throw new IllegalArgumentException("a transition goes from one state to another, but both are '" + to + "'");
        }
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE " + t + " SET " + stateCol + " = ? WHERE " + idCol + " = ? AND " + stateCol + " = ?")) {
            update.setString(1, to);
            update.setObject(2, id);
            update.setString(3, from);
            if (update.executeUpdate() > 0) {
                return new Transition(Result.APPLIED, to);
            }
        }
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + stateCol + " FROM " + t + " WHERE " + idCol + " = ? FOR UPDATE")) {
            select.setObject(1, id);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return new Transition(Result.NOT_FOUND, null);
                }
                String state = rs.getString(1);
                return new Transition(to.equals(state) ? Result.ALREADY_DONE : Result.CONFLICT, state);
            }
        }
    }
}
