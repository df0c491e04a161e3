package dev.idempotency.jdbc;

import dev.idempotency.spi.ClaimResult;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * H2, and MariaDB outside a transaction: insert if absent or read the record, in one statement (H2 in this process: an
 * insert if absent, then a read); if the record is someone else's and live, that is the answer, if it expired, take it
 * over with an update conditional on what was read. H2 inside a transaction: insert if absent or lock the row; if not
 * inserted, read the record under the lock.
 */
class StepwiseClaims extends Claims {

    StepwiseClaims(Statements s, Clock clock, Supplier<String> store) {
        super(s, clock, store);
    }

    @Override
    final ClaimResult claim(Connection c, Sql.Args a) throws SQLException {
        return untilDecided(a, () -> once(c, a));
    }

    /** Autocommit: one round trip decides a first claim and a replay alike. Null: look again. */
    private ClaimResult once(Connection c, Sql.Args a) throws SQLException {
        Seen seen;
        try {
            if (s.insertOrRead != null) {
                seen = select(c, s.insertOrRead, a);
            } else if (s.insertIfAbsent.update(c, a) == 1) {
                return ClaimResult.CLAIMED;
            } else {
                seen = select(c, s.select, a);
            }
        } catch (SQLException e) {
            if (!SqlErrors.isDuplicateKey(e)) {
                throw e;
            }
            return null; // H2's MERGE lost a race with a concurrent insert
        }
        return decide(c, a, seen);
    }

    @Override
    ClaimResult claimInTransaction(Transactions.Tx tx, Sql.Args a) throws SQLException {
        Connection c = tx.connection();
        return untilDecided(a, () -> onceInTransaction(c, a));
    }

    /** Null: look again. */
    private ClaimResult onceInTransaction(Connection c, Sql.Args a) throws SQLException {
        int inserted;
        try {
            inserted = s.insertOrLock.update(c, a);
        } catch (SQLException e) {
            if (!SqlErrors.isDuplicateKey(e)) {
                throw e;
            }
            inserted = 0; // H2's MERGE lost a race with a concurrent insert
        }
        if (inserted == 1) {
            return ClaimResult.CLAIMED;
        }
        return decide(c, a, select(c, s.selectForUpdate, a));
    }

    /**
     * What the record read after the insert means: the caller's own claim (the insert was its), someone else's live
     * record (the answer), or an expired one (taken over if it did not change meanwhile). Null: look again.
     */
    private ClaimResult decide(Connection c, Sql.Args a, Seen seen) throws SQLException {
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
