package dev.idempotency.jdbc;

/**
 * The store's SQL for one database, table and time source, compiled once. Every statement names the record by
 * {@code key_hash}, the primary key; ownership checks add {@code owner} and {@code state}.
 */
final class Statements {

    static final String IN_PROGRESS = "IN_PROGRESS";
    static final String COMPLETED = "COMPLETED";

    /** The record's columns as every read returns them, in this order. */
    static final String COLUMNS = "state, owner, fingerprint, outcome_kind, outcome_type, outcome_body, namespace,"
            + " idem_key, expires_at";

    private static final String INSERT_COLUMNS = "(key_hash, namespace, idem_key, state, owner, fingerprint, expires_at)";
    private static final String INSERT_VALUES = "(:hash, :ns, :key, 'IN_PROGRESS', :owner, :fp, :now + :lease)";
    private static final String CLAIM_ASSIGNMENTS = "namespace = :ns, idem_key = :key, state = 'IN_PROGRESS',"
            + " owner = :owner, fingerprint = :fp, outcome_kind = NULL, outcome_type = NULL, outcome_body = NULL,"
            + " expires_at = :now + :lease";
    private static final String OURS = "key_hash = :hash AND owner = :owner AND state = 'IN_PROGRESS'";

    final Database database;
    final String table;
    final boolean databaseClock;

    /** PostgreSQL only: insert, take over an expired record, or return the live one, in one statement. */
    final Sql claimInOneStatement;
    /**
     * MariaDB, and H2 over the network (autocommit): insert if absent, else return the record as it is, in one statement
     * and one round trip; the record returned carries the caller's owner token when the insert was the caller's. Null
     * for PostgreSQL, and for H2 in this process, where a call is no round trip and the one statement would cost a
     * write (its no-op update makes a row version) where a read does: there, {@link #insertIfAbsent} then
     * {@link #select}.
     */
    final Sql insertOrRead;
    /**
     * Insert if absent, telling whether it inserted: MariaDB inside a transaction (after a look outside it), H2 in this
     * process. Null for PostgreSQL.
     */
    final Sql insertIfAbsent;
    /** H2 only: insert if absent, or lock the existing row (inside a transaction). */
    final Sql insertOrLock;
    final Sql select;
    final Sql selectForUpdate;
    /** The latest committed row under a shared lock (MariaDB: {@code LOCK IN SHARE MODE}); else null. */
    final Sql selectShared;
    final Sql takeOver;
    final Sql complete;
    final Sql completeLocked;
    final Sql release;
    final Sql releaseLocked;
    final Sql renew;
    final Sql read;
    final Sql purge;
    final String probe;

    /** @param inProcess whether the database runs in this process (H2 in memory or on a file, not over TCP) */
    Statements(Database database, String table, boolean databaseClock, boolean inProcess) {
        this.database = database;
        this.table = table;
        this.databaseClock = databaseClock;
        String now = databaseClock ? nowMillis(database) : null;

        String completeSql = "UPDATE {T} SET state = 'COMPLETED', owner = NULL, outcome_kind = :kind,"
                + " outcome_type = :type, outcome_body = :body, expires_at = :now + :ttl WHERE " + OURS;
        String releaseSql = "DELETE FROM {T} WHERE " + OURS;
        String alive = " AND expires_at > :now";

        this.complete = Sql.compile(completeSql + alive, table, now);
        this.completeLocked = Sql.compile(completeSql, table, now);
        this.release = Sql.compile(releaseSql + alive, table, now);
        this.releaseLocked = Sql.compile(releaseSql, table, now);
        this.renew = Sql.compile("UPDATE {T} SET expires_at = :now + :lease WHERE " + OURS + alive, table, now);
        this.read = Sql.compile("SELECT " + COLUMNS + ", :now FROM {T} WHERE key_hash = :hash" + alive, table, now);
        String select = "SELECT " + COLUMNS + ", :now FROM {T} WHERE key_hash = :hash";
        this.select = Sql.compile(select, table, now);
        this.selectForUpdate = Sql.compile(select + " FOR UPDATE", table, now);
        this.takeOver = Sql.compile("UPDATE {T} SET " + CLAIM_ASSIGNMENTS + " WHERE key_hash = :hash"
                + " AND expires_at <= :now AND expires_at = :seen_expires AND state = :seen_state", table, now);
        this.probe = "SELECT key_hash, " + COLUMNS + " FROM " + table + " WHERE 1 = 0";

        switch (database) {
            case POSTGRESQL -> {
                this.claimInOneStatement = Sql.compile("""
                        WITH ins AS (
                            INSERT INTO {T} %s VALUES %s
                            ON CONFLICT (key_hash) DO NOTHING
                            RETURNING 1
                        ), old AS (
                            SELECT key_hash, state FROM {T} WHERE key_hash = :hash AND expires_at <= :now
                        ), upd AS (
                            UPDATE {T} t SET %s
                            FROM old
                            WHERE t.key_hash = old.key_hash AND t.expires_at <= :now AND NOT EXISTS (SELECT 1 FROM ins)
                            RETURNING old.state
                        )
                        SELECT 'F', %s, :now FROM {T} r
                         WHERE r.key_hash = :hash AND r.expires_at > :now
                           AND NOT EXISTS (SELECT 1 FROM ins) AND NOT EXISTS (SELECT 1 FROM upd)
                        UNION ALL
                        SELECT 'I', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM ins
                        UNION ALL
                        SELECT 'T', upd.state, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM upd
                        """.formatted(INSERT_COLUMNS, INSERT_VALUES, CLAIM_ASSIGNMENTS,
                        "r." + COLUMNS.replace(", ", ", r.")), table, now);
                this.insertOrRead = null;
                this.insertIfAbsent = null;
                this.insertOrLock = null;
                this.selectShared = null;
                this.purge = Sql.compile("DELETE FROM {T} WHERE key_hash IN (SELECT key_hash FROM {T}"
                        + " WHERE expires_at < :now LIMIT :limit FOR UPDATE SKIP LOCKED) AND expires_at < :now", table, now);
            }
            case MARIADB -> {
                this.claimInOneStatement = null;
                // a duplicate's no-op update makes the statement return the row it met (MariaDB 10.5+: RETURNING)
                this.insertOrRead = Sql.compile("INSERT INTO {T} " + INSERT_COLUMNS + " VALUES " + INSERT_VALUES
                        + " ON DUPLICATE KEY UPDATE key_hash = key_hash RETURNING " + COLUMNS + ", :now", table, now);
                this.insertIfAbsent = Sql.compile("INSERT IGNORE INTO {T} " + INSERT_COLUMNS + " VALUES " + INSERT_VALUES,
                        table, now);
                this.insertOrLock = null; // inside a transaction: InnoDbClaims looks outside it first, then inserts
                this.selectShared = Sql.compile(select + " LOCK IN SHARE MODE", table, now);
                this.purge = Sql.compile("DELETE FROM {T} WHERE expires_at < :now ORDER BY expires_at LIMIT :limit",
                        table, now);
            }
            case H2 -> {
                this.claimInOneStatement = null;
                Sql merge = Sql.compile("MERGE INTO {T} t USING (VALUES (CAST(:hash AS BINARY(32)))) s(key_hash)"
                        + " ON t.key_hash = s.key_hash WHEN NOT MATCHED THEN INSERT " + INSERT_COLUMNS
                        + " VALUES (s.key_hash, :ns, :key, 'IN_PROGRESS', :owner, :fp, :now + :lease)", table, now);
                this.insertOrLock = merge;
                this.insertIfAbsent = inProcess ? merge : null;
                // the final table of a merge whose match is a no-op update holds the row it met, or the one it inserted
                this.insertOrRead = inProcess ? null : Sql.compile("SELECT " + COLUMNS + ", :now FROM FINAL TABLE (MERGE INTO {T} t"
                        + " USING (VALUES (CAST(:hash AS BINARY(32)))) s(key_hash) ON t.key_hash = s.key_hash"
                        + " WHEN MATCHED THEN UPDATE SET t.key_hash = t.key_hash WHEN NOT MATCHED THEN INSERT "
                        + INSERT_COLUMNS + " VALUES (s.key_hash, :ns, :key, 'IN_PROGRESS', :owner, :fp, :now + :lease))",
                        table, now);
                this.selectShared = null;
                this.purge = Sql.compile("DELETE FROM {T} WHERE expires_at < :now FETCH FIRST :limit ROWS ONLY",
                        table, now);
            }
            default -> throw new IllegalStateException("no SQL for " + database);
        }
    }

    /** MariaDB: InnoDB, whose row locks a claim inside a transaction must take with care. */
    boolean innoDb() {
        return database == Database.MARIADB;
    }

    /** The database's current time in milliseconds since the epoch, fixed for the statement. */
    static String nowMillis(Database database) {
        return switch (database) {
            // statement_timestamp(), not now(): inside a long transaction now() is the transaction's start
            case POSTGRESQL -> "CAST(EXTRACT(EPOCH FROM statement_timestamp()) * 1000 AS BIGINT)";
            // UTC_TIMESTAMP and plain arithmetic: no session time zone, no daylight-saving ambiguity
            case MARIADB -> "(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(3)) DIV 1000)";
            case H2 -> "DATEDIFF(MILLISECOND, TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00', CURRENT_TIMESTAMP)";
        };
    }
}
