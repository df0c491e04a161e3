package dev.idempotency.jdbc;

import dev.idempotency.spi.ClaimResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * PostgreSQL: insert, take over, or return the live record, in one statement and one round trip, in autocommit mode
 * and inside the caller's transaction alike.
 */
final class PostgresClaims extends Claims {

    PostgresClaims(Statements s, Clock clock, Supplier<String> store) {
        super(s, clock, store);
    }

    @Override
    ClaimResult claim(Connection c, Sql.Args a) throws SQLException {
        return untilDecided(a, () -> once(c, a));
    }

    @Override
    ClaimResult claimInTransaction(Transactions.Tx tx, Sql.Args a) throws SQLException {
        return claim(tx.connection(), a);
    }

    /** Null: look again. */
    private ClaimResult once(Connection c, Sql.Args a) throws SQLException {
        try (PreparedStatement ps = s.claimInOneStatement.prepare(c, a); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            return switch (rs.getString(1)) {
                case "I" -> ClaimResult.CLAIMED;
                case "T" -> ClaimResult.claimed(Statements.IN_PROGRESS.equals(rs.getString(2)));
                default -> ClaimResult.found(Rows.read(rs, 2, a.namespace, a.key, s.table)
                        .record(rs.getLong(11), a.localNow));
            };
        }
    }
}
