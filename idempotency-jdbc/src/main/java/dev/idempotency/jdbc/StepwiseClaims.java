package dev.idempotency.jdbc;

import dev.idempotency.spi.ClaimResult;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * H2, and MariaDB outside a transaction: insert if absent; if not inserted, read the record; if it is live, that is
 * the answer, if it expired, take it over with an update conditional on what was read.
 */
class StepwiseClaims extends Claims {

    StepwiseClaims(Statements s, Clock clock, Supplier<String> store) {
        super(s, clock, store);
    }

    @Override
    final ClaimResult claim(Connection c, Sql.Args a) throws SQLException {
        return untilDecided(a, () -> once(c, a, false));
    }

    @Override
    ClaimResult claimInTransaction(Transactions.Tx tx, Sql.Args a) throws SQLException {
        Connection c = tx.connection();
        return untilDecided(a, () -> once(c, a, true));
    }

    /** Null: look again. */
    private ClaimResult once(Connection c, Sql.Args a, boolean inTransaction) throws SQLException {
        Sql insert = inTransaction ? s.insertOrLock : s.insertIfAbsent;
        int inserted;
        try {
            inserted = insert.update(c, a);
        } catch (SQLException e) {
            if (!SqlErrors.isDuplicateKey(e)) {
                throw e;
            }
            inserted = 0; // H2's MERGE lost a race with a concurrent insert
        }
        if (inserted == 1) {
            return ClaimResult.CLAIMED;
        }
        Seen seen = select(c, inTransaction ? s.selectForUpdate : s.select, a);
        if (seen == null) {
            return null;
        }
        Rows.Row row = seen.row();
        if (row.inProgress() && a.owner.equals(row.record().owner())) {
            return ClaimResult.CLAIMED; // the insert was ours
        }
        if (seen.live()) {
            return found(seen, a);
        }
        return takeOver(c, a, row);
    }
}
