package dev.idempotency.benchmarks.jdbc;

import dev.idempotency.Idempotent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The benchmarked service: one business insert, plain or {@code @Idempotent} on the database store, and an
 * {@code @Idempotent} method without any business write (the store's own cost). Each instance counts how often a body
 * ran, so that the benchmark can check that the woven methods really deduplicate.
 */
public class JdbcPaymentService {

    public static final String TABLE = "idembench_payments";

    private final DataSource dataSource;
    private long executions;

    public JdbcPaymentService(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The baseline: one INSERT in autocommit, nothing else. */
    public Payment insertPlain(String paymentId) {
        return insert(paymentId);
    }

    /** The same insert, idempotent by payment id: claim, insert, complete. */
    @Idempotent(key = "#paymentId", namespace = "bench.jdbc.pay")
    public Payment pay(String paymentId) {
        return insert(paymentId);
    }

    /**
     * The same insert in transactional mode: the caller has bound {@code connection} (its open transaction) with
     * {@code JdbcIdempotency.bind}, so the claim, the insert and the completion commit together, once.
     */
    @Idempotent(key = "#paymentId", namespace = "bench.jdbc.payInTransaction", fingerprint = "#paymentId")
    public Payment payInTransaction(Connection connection, String paymentId) {
        executions++;
        insert(connection, paymentId);
        return new Payment(paymentId, 2_500, "EUR");
    }

    /** No business write: what the store alone costs (claim, complete; or one read on a replay). */
    @Idempotent(key = "#paymentId", namespace = "bench.jdbc.noWrite")
    public Payment payNoWrite(String paymentId) {
        executions++;
        return new Payment(paymentId, 2_500, "EUR");
    }

    public long executions() {
        return executions;
    }

    private Payment insert(String paymentId) {
        executions++;
        try (Connection c = dataSource.getConnection()) {
            insert(c, paymentId);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return new Payment(paymentId, 2_500, "EUR");
    }

    private static void insert(Connection c, String paymentId) {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE
                + " (payment_id, amount_cents, currency) VALUES (?, ?, ?)")) {
            ps.setString(1, paymentId);
            ps.setLong(2, 2_500);
            ps.setString(3, "EUR");
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
