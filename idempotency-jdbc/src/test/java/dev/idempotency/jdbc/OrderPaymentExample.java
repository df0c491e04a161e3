package dev.idempotency.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Pays one order twice and charges it once: the state guard moves the order from UNPAID to PAID and only the call
 * that made the move charges; the charge itself is inserted under its business key, so even a second charge
 * attempt would find the first one.
 *
 * <pre>
 * java -cp … dev.idempotency.jdbc.OrderPaymentExample [jdbc-url]    (default: an in-memory H2 database)
 * </pre>
 */
public final class OrderPaymentExample {

    static final String ORDERS = Databases.PREFIX + "example_orders";
    static final String CHARGES = Databases.PREFIX + "example_charges";

    private OrderPaymentExample() {
    }

    public static void main(String[] args) throws SQLException {
        try (HikariDataSource ds = new HikariDataSource()) {
            ds.setJdbcUrl(args.length > 0 ? args[0] : "jdbc:h2:mem:example;DB_CLOSE_DELAY=-1");
            List<String> outcomes = run(ds);
            System.out.println("first payment: " + outcomes.get(0) + ", second payment: " + outcomes.get(1));
        }
    }

    /** Creates an order, pays it twice; returns what each payment did. */
    static List<String> run(DataSource ds) throws SQLException {
        long orderId;
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + ORDERS + " (id BIGINT NOT NULL PRIMARY KEY, amount BIGINT NOT NULL,"
                    + " status VARCHAR(16) NOT NULL)");
            st.execute("CREATE TABLE IF NOT EXISTS " + CHARGES + " (order_id BIGINT NOT NULL PRIMARY KEY,"
                    + " amount BIGINT NOT NULL)");
            orderId = System.nanoTime();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + ORDERS + " VALUES (?, 2500, 'UNPAID')")) {
                ps.setLong(1, orderId);
                ps.executeUpdate();
            }
        }
        List<String> outcomes = new ArrayList<>();
        outcomes.add(pay(ds, orderId));
        outcomes.add(pay(ds, orderId)); // the retry: a double click, a redelivered message
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + CHARGES + " WHERE order_id = ?")) {
            ps.setLong(1, orderId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getInt(1) != 1) {
                    throw new IllegalStateException("charged " + rs.getInt(1) + " times");
                }
            }
        }
        return outcomes;
    }

    /** One payment, in one transaction: the transition and the charge commit together. */
    static String pay(DataSource ds, long orderId) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                StateGuard.Transition t = StateGuard.transition(c, ORDERS, "id", orderId, "status", "UNPAID", "PAID");
                String outcome = switch (t.result()) {
                    case APPLIED -> {
                        BusinessKeyGuard.insertOnce(c, "INSERT INTO " + CHARGES + " (order_id, amount) VALUES (?, ?)",
                                k -> existingCharge(k, orderId), orderId, 2500L);
                        yield "charged";
                    }
                    case ALREADY_DONE -> "already paid";
                    case CONFLICT -> throw new IllegalStateException("order " + orderId + " is " + t.state());
                    case NOT_FOUND -> throw new IllegalStateException("no order " + orderId);
                };
                c.commit();
                return outcome;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private static Long existingCharge(Connection c, long orderId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT amount FROM " + CHARGES + " WHERE order_id = ? FOR UPDATE")) {
            ps.setLong(1, orderId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }
}
