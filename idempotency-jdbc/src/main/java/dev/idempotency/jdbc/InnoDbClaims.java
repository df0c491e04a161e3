package dev.idempotency.jdbc;

import dev.idempotency.IdempotencyInProgressException;
import dev.idempotency.spi.ClaimResult;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * MariaDB (InnoDB): stepwise outside a transaction; inside the caller's transaction, with care for the row locks.
 *
 * <p>InnoDB keeps every row lock a statement takes until the transaction ends, even when the statement changed
 * nothing: a duplicate insert leaves a shared lock, an update whose condition failed an exclusive one. A duplicate that
 * then waited for the key while holding such a lock would block the holder's completion and renewals, and two of them
 * deadlock. So the record is looked at first outside the transaction, on a pool connection, with a locking read that
 * waits for a claim another transaction has not committed yet and lets go of its lock as soon as it returns. A live
 * record is the answer, and the transaction has locked nothing; only an absent or expired record is claimed in the
 * transaction, whose row lock is then the claim itself.
 */
final class InnoDbClaims extends StepwiseClaims {

    private final Connections connections;
    /**
     * The records whose row lock each open transaction holds (by key hash), taken by its claims. Such a record is
     * looked at on the transaction's own connection; waiting for it elsewhere would wait for ourselves.
     */
    private final ConcurrentHashMap<Connection, Set<ByteBuffer>> lockedInTransaction = new ConcurrentHashMap<>();

    InnoDbClaims(Statements s, Connections connections, Clock clock, Supplier<String> store) {
        super(s, clock, store);
        this.connections = connections;
    }

    @Override
    ClaimResult claimInTransaction(Transactions.Tx tx, Sql.Args a) throws SQLException {
        Connection c = tx.connection();
        Set<ByteBuffer> locked = lockedBy(tx);
        ByteBuffer hash = ByteBuffer.wrap(a.hash);
        return untilDecided(a, () -> {
            if (!locked.contains(hash)) {
                Seen seen;
                try (Connection outside = connections.autocommit()) {
                    seen = select(outside, s.selectForUpdate, a);
                }
                if (seen != null && seen.live()) {
                    return found(seen, a);
                }
                locked.add(hash); // from the next statement on, this transaction holds the row's lock (or its gap's)
                ClaimResult result = seen == null ? (s.insertIfAbsent.update(c, a) == 1 ? ClaimResult.CLAIMED : null)
                        : takeOver(c, a, seen.row());
                if (result != null) {
                    return result;
                }
            }
            return claimHoldingTheLock(c, a);
        });
    }

    /**
     * The transaction holds a lock on the record (it met another claim in a race, or claimed and released the key
     * before): decide on its own connection, and never leave a foreign claim waiting behind that lock. Null: look
     * again.
     */
    private ClaimResult claimHoldingTheLock(Connection c, Sql.Args a) throws SQLException {
        if (s.insertIfAbsent.update(c, a) == 1) {
            return ClaimResult.CLAIMED;
        }
        // the latest committed row; a shared lock goes with the one the transaction holds, an exclusive one might not
        Seen seen = select(c, s.selectShared, a);
        if (seen == null) {
            return null;
        }
        Rows.Row row = seen.row();
        if (row.inProgress() && a.owner.equals(row.record().owner())) {
            return ClaimResult.CLAIMED;
        }
        if (!seen.live()) {
            return takeOver(c, a, row);
        }
        if (row.inProgress()) {
            throw new IdempotencyInProgressException("key '" + a.key + "' (namespace " + a.namespace + ") is in"
                    + " progress in another call, and the caller's transaction holds a lock on its record (the two"
                    + " calls met in a race, or this transaction claimed the key before): waiting inside the"
                    + " transaction would keep that call from completing, so this call did not run; roll back the"
                    + " transaction and retry it", a.namespace, a.key);
        }
        return found(seen, a);
    }

    private Set<ByteBuffer> lockedBy(Transactions.Tx tx) {
        Connection c = tx.connection();
        Set<ByteBuffer> locked = lockedInTransaction.get(c);
        if (locked == null) {
            locked = ConcurrentHashMap.newKeySet();
            lockedInTransaction.put(c, locked);
            tx.onEnd(() -> lockedInTransaction.remove(c));
        }
        return locked;
    }
}
