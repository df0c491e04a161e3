package dev.idempotency.jdbc;

import dev.idempotency.IdempotencyStoreException;
import dev.idempotency.spi.ClaimResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * How one database claims a key: insert if absent, take over an expired record, or answer with the live one. Each
 * database has its own way ({@link PostgresClaims}, {@link StepwiseClaims}, {@link InnoDbClaims}); the steps they
 * share live here.
 */
abstract class Claims {

    private static final int MAX_CLAIM_ATTEMPTS = 100;
    private static final long MAX_CLAIM_NANOS = TimeUnit.SECONDS.toNanos(10);

    final Statements s;
    private final Clock clock;
    private final Supplier<String> store;

    Claims(Statements s, Clock clock, Supplier<String> store) {
        this.s = s;
        this.clock = clock;
        this.store = store;
    }

    /** The claim strategy for the database of the statements. */
    static Claims of(Statements s, Connections connections, Clock clock, Supplier<String> store) {
        return switch (s.database) {
            case POSTGRESQL -> new PostgresClaims(s, clock, store);
            case MARIADB -> new InnoDbClaims(s, connections, clock, store);
            case H2 -> new StepwiseClaims(s, clock, store);
        };
    }

    /** Claims on a connection in autocommit mode: each statement commits at once. */
    abstract ClaimResult claim(Connection c, Sql.Args a) throws SQLException;

    /** Claims inside the caller's open transaction: the record commits or rolls back with it. */
    abstract ClaimResult claimInTransaction(Transactions.Tx tx, Sql.Args a) throws SQLException;

    /** One claim attempt: null when the record changed under it and must be looked at again. */
    @FunctionalInterface
    interface Attempt {
        ClaimResult once() throws SQLException;
    }

    /** Makes claim attempts (each null when the record changed under it) until one decides, for at most 10 s. */
    final ClaimResult untilDecided(Sql.Args a, Attempt attempt) throws SQLException {
        long deadline = System.nanoTime() + MAX_CLAIM_NANOS;
        for (int n = 1; ; n++) {
            a.localNow = clock.millis();
            if (!s.databaseClock) {
                a.now = a.localNow;
            }
            ClaimResult result = attempt.once();
            if (result != null) {
                return result;
            }
            // the record changed between the steps (or is not yet visible to this statement's snapshot): look again
            if (n >= MAX_CLAIM_ATTEMPTS || System.nanoTime() - deadline > 0) {
                throw new IdempotencyStoreException("store " + store.get() + " could not claim or read key '" + a.key
                        + "' (namespace " + a.namespace + ") in " + n + " attempts: the record kept changing",
                        a.namespace, a.key);
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(Math.min(20_000, 100L * n)));
        }
    }

    /** Takes over an expired record, conditional on the state and expiry read. Null: it changed meanwhile. */
    final ClaimResult takeOver(Connection c, Sql.Args a, Rows.Row row) throws SQLException {
        a.seenExpires = row.expiresAt();
        a.seenState = row.state();
        return s.takeOver.update(c, a) == 1 ? ClaimResult.claimed(row.inProgress()) : null;
    }

    /** A record as read, with the time by which it was read. */
    record Seen(Rows.Row row, long now) {
        boolean live() {
            return row.expiresAt() > now;
        }
    }

    /** A live record found, with its expiry when it is completed (see {@link Rows.Row#record(long, long)}). */
    static ClaimResult found(Seen seen, Sql.Args a) {
        return ClaimResult.found(seen.row().record(seen.now(), a.localNow));
    }

    final Seen select(Connection c, Sql select, Sql.Args a) throws SQLException {
        try (PreparedStatement ps = select.prepare(c, a); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? new Seen(Rows.read(rs, 1, a.namespace, a.key, s.table), rs.getLong(10)) : null;
        }
    }
}
