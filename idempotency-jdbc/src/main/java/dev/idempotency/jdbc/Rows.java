package dev.idempotency.jdbc;

import dev.idempotency.IdempotencyStoreException;
import dev.idempotency.spi.Outcome;
import dev.idempotency.spi.StoredRecord;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Reads a record row ({@link Statements#COLUMNS}) strictly: a row that is not one this store wrote (another
 * namespace or key under the same hash, an unknown state, an outcome that does not fit its state) is an
 * {@link IdempotencyStoreException}, never a record.
 */
final class Rows {

    private Rows() {
    }

    /** A row as read, before it is judged live or expired. */
    record Row(StoredRecord record, String state, long expiresAt) {
        boolean inProgress() {
            return Statements.IN_PROGRESS.equals(state);
        }

        /**
         * The record, a completed one with its expiry told by the store's clock: {@code localNow}, read before the
         * statement, plus what was left of the ttl at {@code storeNow}, the statement's time (the same clock, or the
         * database's), so never later than the database drops it.
         */
        StoredRecord record(long storeNow, long localNow) {
            long expiry = localNow + (expiresAt - storeNow);
            return record.isCompleted() && expiry > 0
                    ? StoredRecord.completed(record.fingerprint(), record.outcome(), expiry) : record;
        }
    }

    /** The row whose columns start at {@code first}, checked against the namespace and key asked for. */
    static Row read(ResultSet rs, int first, String namespace, String key, String table) throws SQLException {
        String state = rs.getString(first);
        String owner = rs.getString(first + 1);
        String fingerprint = rs.getString(first + 2);
        String kind = rs.getString(first + 3);
        String type = rs.getString(first + 4);
        String body = rs.getString(first + 5);
        String storedNamespace = rs.getString(first + 6);
        String storedKey = rs.getString(first + 7);
        long expiresAt = rs.getLong(first + 8);
        if (!namespace.equals(storedNamespace) || !key.equals(storedKey)) {
            throw foreign(namespace, key, table, "it holds namespace " + quote(storedNamespace) + " and key "
                    + quote(storedKey) + " under the same hash");
        }
        if (fingerprint == null) {
            throw foreign(namespace, key, table, "its fingerprint is NULL");
        }
        if (Statements.IN_PROGRESS.equals(state)) {
            if (owner == null || owner.isEmpty() || kind != null || body != null) {
                throw foreign(namespace, key, table, "an IN_PROGRESS record needs an owner and no outcome");
            }
            return new Row(StoredRecord.inProgress(owner, fingerprint), state, expiresAt);
        }
        if (Statements.COMPLETED.equals(state)) {
            if (owner != null) {
                throw foreign(namespace, key, table, "a COMPLETED record has no owner, but it has " + quote(owner));
            }
            Outcome.Kind outcomeKind = kind(kind);
            if (outcomeKind == null || body == null) {
                throw foreign(namespace, key, table, "its outcome kind " + quote(kind) + " is not one of "
                        + java.util.Arrays.toString(Outcome.Kind.values()) + ", or its body is NULL");
            }
            Outcome outcome;
            try {
                outcome = new Outcome(outcomeKind, type, body);
            } catch (IllegalArgumentException e) {
                throw foreign(namespace, key, table, "its outcome does not fit its kind " + kind + " (type "
                        + quote(type) + "): " + e.getMessage());
            }
            return new Row(StoredRecord.completed(fingerprint, outcome), state, expiresAt);
        }
        throw foreign(namespace, key, table, "its state " + quote(state) + " is neither IN_PROGRESS nor COMPLETED");
    }

    private static Outcome.Kind kind(String kind) {
        if (kind == null) {
            return null;
        }
        for (Outcome.Kind k : Outcome.Kind.values()) {
            if (k.name().equals(kind)) {
                return k;
            }
        }
        return null;
    }

    private static IdempotencyStoreException foreign(String namespace, String key, String table, String why) {
        return new IdempotencyStoreException("the row in " + table + " for key '" + key + "' (namespace " + namespace
                + ") is not a record this store wrote: " + why + "; it is not used", namespace, key);
    }

    private static String quote(String s) {
        if (s == null) {
            return "NULL";
        }
        return "'" + (s.length() > 80 ? s.substring(0, 80) + "…" : s) + "'";
    }
}
