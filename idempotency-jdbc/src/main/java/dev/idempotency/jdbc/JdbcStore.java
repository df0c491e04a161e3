package dev.idempotency.jdbc;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.IdempotencyInProgressException;
import dev.idempotency.IdempotencyStoreException;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.Outcome;
import dev.idempotency.spi.StoredRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * The database store: one table whose primary key is a hash of namespace and key, claimed with the database's own
 * insert-if-absent, completed, released and renewed only by the owner of the claim.
 *
 * <p>Time: by default every expiry is computed and compared by the database's clock, in the statement itself, so
 * all processes agree on when a lease or ttl ends whatever their own clocks say. {@link Builder#clock(Clock)} switches
 * to the runtime's clock (the hosts' clocks must then agree to well within a lease).
 *
 * <p>Transactional mode: when the calling thread runs in a transaction on this store's data source (a connection
 * bound with {@link JdbcIdempotency#bind}, or Spring's transaction), the claim, completion and release run on that
 * transaction's connection, so the record commits or rolls back with the business writes. See the module's README
 * section for the trade-offs.
 */
public final class JdbcStore implements IdempotencyStore {

    public static final String DEFAULT_TABLE = "idempotency_records";
    public static final Duration DEFAULT_PURGE_INTERVAL = Duration.ofMinutes(1);
    public static final int DEFAULT_PURGE_BATCH_SIZE = 500;
    /** Namespaces are stored in full; longer ones are refused. */
    public static final int MAX_NAMESPACE_LENGTH = 10_000;

    /** Whose clock decides when leases and ttls end. */
    public enum TimeSource {
        /** The database's clock, read in each statement: one clock for every process. */
        DATABASE,
        /** The runtime's {@link Clock}, passed as a parameter: every host's clock must agree. */
        RUNTIME
    }

    private static final System.Logger LOG = System.getLogger("dev.idempotency.jdbc");
    private static final int MAX_KEY_LENGTH = 255;
    private static final int MAX_TOKEN_LENGTH = 1000;
    private static final int MAX_CLAIM_ATTEMPTS = 100;
    private static final long MAX_CLAIM_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int MAX_PURGE_BATCHES_PER_RUN = 200;
    /** Attempts of an autocommit operation that the database failed to break a deadlock. */
    private static final int MAX_DEADLOCK_ATTEMPTS = 5;
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    });
    /** Strict UTF-8: a string with a lone surrogate is refused, never hashed as if it were another string. */
    private static final ThreadLocal<CharsetEncoder> UTF8 = ThreadLocal.withInitial(() -> StandardCharsets.UTF_8
            .newEncoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));

    private final DataSource dataSource;
    private final AutoCloseable ownedDataSource;
    private final Database configuredDatabase;
    private final String table;
    private final boolean createTable;
    private final TimeSource timeSource;
    private final Clock clock;
    private final Duration purgeInterval;
    private final int purgeBatchSize;
    private final String source;
    /** Guards {@link #connecting}; never held while talking to the database. */
    private final ReentrantLock connectLock = new ReentrantLock();
    /** The first contact under way, whose outcome every call that needs it waits for; null when none is. */
    private CompletableFuture<Statements> connecting;
    private volatile Statements statements;
    /**
     * MariaDB/MySQL: the records whose row lock each open transaction holds (by key hash), taken by its claims. Such
     * a record is looked at on the transaction's own connection; waiting for it elsewhere would wait for ourselves.
     */
    private final ConcurrentHashMap<Connection, Set<ByteBuffer>> lockedInTransaction = new ConcurrentHashMap<>();
    /** Claims made inside a still-open transaction, by owner token: the transaction's row lock protects them. */
    private final ConcurrentHashMap<String, Connection> transactionalClaims = new ConcurrentHashMap<>();
    private final ScheduledExecutorService purger;

    private JdbcStore(Builder b) {
        this.dataSource = b.dataSource;
        this.ownedDataSource = b.ownedDataSource;
        this.configuredDatabase = b.database;
        this.table = b.table;
        this.createTable = b.createTable;
        this.timeSource = b.timeSource;
        this.clock = b.clock;
        this.purgeInterval = b.purgeInterval;
        this.purgeBatchSize = b.purgeBatchSize;
        this.source = b.source;
        try {
            statements();
        } catch (SQLException e) {
            if (!(e instanceof NoConnection) && !SqlErrors.isUnreachable(e)) {
                closeOwnedDataSource();
                throw new IdempotencyConfigurationException("cannot use the idempotency table: " + e.getMessage(),
                        null, null, e);
            }
            // the database may come up later: the store connects on first use, and refuses calls until then
            LOG.log(System.Logger.Level.WARNING, "idempotency: the database of " + describe()
                    + " is not reachable yet (" + SqlErrors.describe(e) + "); calls fail closed until it is");
        } catch (MissingTable e) {
            closeOwnedDataSource();
            throw new IdempotencyConfigurationException(e.getMessage(), null, null, e.getCause());
        }
        this.purger = purgeInterval.isZero() ? null : startPurger();
    }

    /** A builder for a store over the application's data source (which the store never closes). */
    public static Builder builder(DataSource dataSource) {
        return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
    }

    // ---- the SPI ----

    @Override
    public ClaimResult claim(String namespace, String key, String owner, String fingerprint, Duration lease) {
        Sql.Args a = args(namespace, key, owner);
        a.fingerprint = checkLength("fingerprint", fingerprint, MAX_TOKEN_LENGTH, namespace, key);
        a.leaseMillis = lease.toMillis();
        try {
            Statements s = ready();
            Transactions.Tx tx = openTransaction();
            if (tx != null) {
                Connection c = tx.connection();
                ClaimResult result;
                try {
                    result = s.innoDb() ? claimInInnoDbTransaction(s, tx, a) : claim(s, c, a, true);
                } catch (SQLException e) {
                    throw inTransaction("claim", a, e);
                }
                if (result instanceof ClaimResult.Claimed) {
                    transactionalClaims.put(owner, c);
                    tx.onEnd(() -> transactionalClaims.remove(owner));
                }
                return result;
            }
            return retryingDeadlocks(() -> {
                try (Connection c = pooled()) {
                    return claim(s, c, a, false);
                }
            });
        } catch (SQLException e) {
            throw failure("claim", namespace, key, e);
        }
    }

    @Override
    public boolean complete(String namespace, String key, String owner, Outcome outcome, Duration ttl) {
        Sql.Args a = args(namespace, key, owner);
        a.kind = outcome.kind().name();
        a.type = outcome.type();
        a.body = outcome.body();
        a.ttlMillis = ttl.toMillis();
        return changeOwn("complete", a, true);
    }

    @Override
    public boolean claimedInTransaction(String namespace, String key, String owner) {
        return transactionalClaims.containsKey(owner);
    }

    @Override
    public boolean release(String namespace, String key, String owner) {
        return changeOwn("release", args(namespace, key, owner), false);
    }

    /**
     * Completes or releases the owner's claim: on the connection of the transaction that made it, if this thread
     * still runs in it (where the row lock, not the lease, says whose it is), else on a pool connection.
     */
    private boolean changeOwn(String operation, Sql.Args a, boolean complete) {
        try {
            Statements s = ready();
            Connection locked = transactionOf(a.owner);
            if (locked != null) {
                try {
                    return update(locked, complete ? s.completeLocked : s.releaseLocked, a) == 1;
                } catch (SQLException e) {
                    throw inTransaction(operation, a, e);
                }
            }
            // conditional on the owner: doing it again after a deadlock broke it is harmless
            return retryingDeadlocks(() -> {
                try (Connection c = pooled()) {
                    return update(c, complete ? s.complete : s.release, a) == 1;
                }
            });
        } catch (SQLException e) {
            throw failure(operation, a.namespace, a.key, e);
        }
    }

    @Override
    public boolean renew(String namespace, String key, String owner, Duration lease) {
        if (transactionalClaims.containsKey(owner)) {
            // the claim is not committed yet: no other transaction can see it or take it over, and touching the row
            // from the keeper's thread would wait for the business transaction's lock
            return true;
        }
        Sql.Args a = args(namespace, key, owner);
        a.leaseMillis = lease.toMillis();
        try {
            Statements s = ready();
            try (Connection c = pooled(); PreparedStatement ps = s.renew.prepare(c, a)) {
                // the lease keeper renews every claim of the JVM on one thread: a row lock that someone else holds
                // (a transaction that locked the record by hand, a duplicate that met the claim in a race) must not
                // stall it for the database's lock timeout, nor past the lease
                ps.setQueryTimeout(renewTimeoutSeconds(lease));
                return ps.executeUpdate() == 1;
            }
        } catch (SQLException e) {
            throw failure("renew", namespace, key, e);
        }
    }

    @Override
    public StoredRecord read(String namespace, String key) {
        Sql.Args a = args(namespace, key, null);
        try {
            Statements s = ready();
            try (Connection c = pooled(); PreparedStatement ps = s.read.prepare(c, a); ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Rows.read(rs, 1, namespace, key, table).record() : null;
            }
        } catch (SQLException e) {
            throw failure("read", namespace, key, e);
        }
    }

    /**
     * Deletes expired records in batches of {@code purgeBatchSize}, each its own short statement that skips or
     * waits only for rows other statements are changing, until a batch comes back short. Runs every
     * {@code purgeInterval} in the background; callable by hand.
     *
     * @return the number of records deleted
     */
    public int purgeExpired() {
        Sql.Args a = new Sql.Args();
        a.limit = purgeBatchSize;
        int total = 0;
        try {
            Statements s = ready();
            for (int batch = 0; batch < MAX_PURGE_BATCHES_PER_RUN; batch++) {
                a.now = clock.millis();
                int deleted;
                try (Connection c = pooled()) {
                    if (s.database == Database.MARIADB || s.database == Database.MYSQL) {
                        // the next transaction only: READ COMMITTED takes no gap locks, so inserts are never blocked
                        try (Statement st = c.createStatement()) {
                            st.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
                        }
                    }
                    deleted = update(c, s.purge, a);
                }
                total += deleted;
                if (deleted < purgeBatchSize) {
                    break;
                }
            }
        } catch (SQLException e) {
            throw new IdempotencyStoreException("store " + describe() + " failed to purge expired records after "
                    + total + ": " + SqlErrors.describe(e), null, null, e, unreachable(e));
        }
        return total;
    }

    @Override
    public String describe() {
        Statements s = statements;
        Database db = s != null ? s.database : configuredDatabase;
        return "jdbc(" + (db == null ? "database not yet known" : db.id()) + ", table=" + table + ", clock="
                + timeSource.name().toLowerCase(java.util.Locale.ROOT) + (source == null ? "" : ", " + source) + ")";
    }

    @Override
    public void close() {
        if (purger != null) {
            purger.shutdownNow();
        }
        closeOwnedDataSource();
    }

    /** The table's name, as configured. */
    public String table() {
        return table;
    }

    // ---- claim ----

    private ClaimResult claim(Statements s, Connection c, Sql.Args a, boolean inTransaction) throws SQLException {
        return claimUntilDecided(s, a, () -> s.claimInOneStatement != null ? claimInOneStatement(s, c, a)
                : claimStepwise(s, c, a, inTransaction));
    }

    /** Makes claim attempts (each null when the record changed under it) until one decides, for at most 10 s. */
    private ClaimResult claimUntilDecided(Statements s, Sql.Args a, SqlCall<ClaimResult> once) throws SQLException {
        long deadline = System.nanoTime() + MAX_CLAIM_NANOS;
        for (int attempt = 1; ; attempt++) {
            if (!s.databaseClock) {
                a.now = clock.millis();
            }
            ClaimResult result = once.call();
            if (result != null) {
                return result;
            }
            // the record changed between the steps (or is not yet visible to this statement's snapshot): look again
            if (attempt >= MAX_CLAIM_ATTEMPTS || System.nanoTime() - deadline > 0) {
                throw new IdempotencyStoreException("store " + describe() + " could not claim or read key '" + a.key
                        + "' (namespace " + a.namespace + ") in " + attempt + " attempts: the record kept changing",
                        a.namespace, a.key);
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(Math.min(20_000, 100L * attempt)));
        }
    }

    /** PostgreSQL: insert, take over, or return the live record, in one round trip. Null: look again. */
    private ClaimResult claimInOneStatement(Statements s, Connection c, Sql.Args a) throws SQLException {
        try (PreparedStatement ps = s.claimInOneStatement.prepare(c, a); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            return switch (rs.getString(1)) {
                case "I" -> ClaimResult.CLAIMED;
                case "T" -> ClaimResult.claimed(Statements.IN_PROGRESS.equals(rs.getString(2)));
                default -> ClaimResult.found(Rows.read(rs, 2, a.namespace, a.key, table).record());
            };
        }
    }

    /**
     * MariaDB, MySQL (outside a transaction), H2: insert if absent; if not inserted, read the record; if it is live,
     * that is the answer, if it expired, take it over with an update conditional on what was read. Null: look again.
     */
    private ClaimResult claimStepwise(Statements s, Connection c, Sql.Args a, boolean inTransaction) throws SQLException {
        Sql insert = inTransaction ? s.insertOrLock : s.insertIfAbsent;
        boolean tellsInserted = true;
        int inserted;
        try (PreparedStatement ps = insert.prepare(c, a)) {
            inserted = ps.executeUpdate();
        } catch (SQLException e) {
            if (!SqlErrors.isDuplicateKey(e)) {
                throw e;
            }
            inserted = 0; // H2's MERGE lost a race with a concurrent insert
            tellsInserted = true;
        }
        if (tellsInserted && inserted == 1) {
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
            return ClaimResult.found(row.record());
        }
        return takeOver(s, c, a, row);
    }

    /**
     * MariaDB and MySQL inside the caller's transaction. InnoDB keeps every row lock a statement takes until the
     * transaction ends, even when the statement changed nothing: a duplicate insert leaves a shared lock, an update
     * whose condition failed an exclusive one. A duplicate that then waited for the key while holding such a lock
     * would block the holder's completion and renewals, and two of them deadlock. So the record is looked at first
     * outside the transaction, on a pool connection, with a locking read that waits for a claim another transaction
     * has not committed yet and lets go of its lock as soon as it returns. A live record is the answer, and the
     * transaction has locked nothing; only an absent or expired record is claimed in the transaction, whose row lock
     * is then the claim itself. Null: look again.
     */
    private ClaimResult claimInInnoDbTransaction(Statements s, Transactions.Tx tx, Sql.Args a) throws SQLException {
        Connection c = tx.connection();
        Set<ByteBuffer> locked = lockedBy(tx);
        ByteBuffer hash = ByteBuffer.wrap(a.hash);
        return claimUntilDecided(s, a, () -> {
            if (!locked.contains(hash)) {
                Seen seen;
                try (Connection outside = pooled()) {
                    seen = select(outside, s.selectForUpdate, a);
                }
                if (seen != null && seen.live()) {
                    return ClaimResult.found(seen.row().record());
                }
                locked.add(hash); // from the next statement on, this transaction holds the row's lock (or its gap's)
                ClaimResult result = seen == null ? (update(c, s.insertIfAbsent, a) == 1 ? ClaimResult.CLAIMED : null)
                        : takeOver(s, c, a, seen.row());
                if (result != null) {
                    return result;
                }
            }
            return claimHoldingTheLock(s, c, a);
        });
    }

    /**
     * The transaction holds a lock on the record (it met another claim in a race, or claimed and released the key
     * before): decide on its own connection, and never leave a foreign claim waiting behind that lock.
     */
    private ClaimResult claimHoldingTheLock(Statements s, Connection c, Sql.Args a) throws SQLException {
        if (update(c, s.insertIfAbsent, a) == 1) {
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
            return takeOver(s, c, a, row);
        }
        if (row.inProgress()) {
            throw new IdempotencyInProgressException("key '" + a.key + "' (namespace " + a.namespace + ") is in"
                    + " progress in another call, and the caller's transaction holds a lock on its record (the two"
                    + " calls met in a race, or this transaction claimed the key before): waiting inside the"
                    + " transaction would keep that call from completing, so this call did not run; roll back the"
                    + " transaction and retry it", a.namespace, a.key);
        }
        return ClaimResult.found(row.record());
    }

    /** Takes over an expired record, conditional on the state and expiry read. Null: it changed meanwhile. */
    private ClaimResult takeOver(Statements s, Connection c, Sql.Args a, Rows.Row row) throws SQLException {
        a.seenExpires = row.expiresAt();
        a.seenState = row.state();
        return update(c, s.takeOver, a) == 1 ? ClaimResult.claimed(row.inProgress()) : null;
    }

    /** A record as read, with the time by which it was read. */
    private record Seen(Rows.Row row, long now) {
        boolean live() {
            return row.expiresAt() > now;
        }
    }

    private Seen select(Connection c, Sql select, Sql.Args a) throws SQLException {
        try (PreparedStatement ps = select.prepare(c, a); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? new Seen(Rows.read(rs, 1, a.namespace, a.key, table), rs.getLong(10)) : null;
        }
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

    // ---- failures ----

    @FunctionalInterface
    private interface SqlCall<T> {
        T call() throws SQLException;
    }

    /**
     * Runs an operation made of autocommit statements again when the database failed one of them to break a
     * deadlock (or a serialization conflict, or a lock wait that timed out): each statement was a transaction of its
     * own, so the failure undid that statement alone and nothing of the caller's is lost.
     */
    private <T> T retryingDeadlocks(SqlCall<T> call) throws SQLException {
        long deadline = System.nanoTime() + MAX_CLAIM_NANOS;
        for (int attempt = 1; ; attempt++) {
            try {
                return call.call();
            } catch (SQLException e) {
                if (!(SqlErrors.isDeadlock(e) || SqlErrors.isLockTimeout(e)) || attempt >= MAX_DEADLOCK_ATTEMPTS
                        || System.nanoTime() - deadline > 0) {
                    throw e;
                }
                // apart, so that the same two do not meet again at once
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(ThreadLocalRandom.current().nextLong(1, 10L * attempt)));
            }
        }
    }

    /**
     * A failure inside the caller's transaction. A deadlock (or serialization failure) has rolled back (MariaDB, MySQL)
     * or aborted (PostgreSQL) the whole transaction, with the caller's writes before this call: going on, or trying
     * again inside it, could commit half of it. So it is never retried here; the caller must retry the transaction.
     */
    private SQLException inTransaction(String operation, Sql.Args a, SQLException e) throws IdempotencyStoreException {
        if (SqlErrors.isDeadlock(e)) {
            throw new IdempotencyStoreException("store " + describe() + " could not " + operation + " key '" + a.key
                    + "' (namespace " + a.namespace + ") inside the caller's transaction: the database broke a"
                    + " deadlock or serialization conflict by rolling back (PostgreSQL: aborting) the whole transaction,"
                    + " with everything it wrote before; the method did not run; roll back and retry the transaction ("
                    + SqlErrors.describe(e) + ")", a.namespace, a.key, e, false);
        }
        if (SqlErrors.isLockTimeout(e)) {
            throw new IdempotencyStoreException("store " + describe() + " could not " + operation + " key '" + a.key
                    + "' (namespace " + a.namespace + ") inside the caller's transaction: it waited for a row lock"
                    + " longer than the database allows (innodb_lock_wait_timeout, lock_timeout), and the database may"
                    + " have rolled back or aborted the transaction; the method did not run; roll back and retry the"
                    + " transaction (" + SqlErrors.describe(e) + ")", a.namespace, a.key, e, false);
        }
        return e;
    }

    // ---- connections and statements ----

    /** The open transaction this call runs in, or null. */
    private Transactions.Tx openTransaction() throws SQLException {
        Transactions.Tx tx = Transactions.current(dataSource);
        return tx != null && !tx.connection().getAutoCommit() ? tx : null;
    }

    /** The connection of the open transaction that made this owner's claim, if the current thread runs in it. */
    private Connection transactionOf(String owner) {
        Connection c = transactionalClaims.get(owner);
        if (c == null) {
            return null;
        }
        Transactions.Tx tx = Transactions.current(dataSource);
        return tx != null && tx.connection() == c ? c : null;
    }

    /** A connection of the data source in autocommit mode: each statement commits at once. */
    private Connection pooled() throws SQLException {
        Connection c;
        try {
            c = dataSource.getConnection();
        } catch (SQLException e) {
            throw new NoConnection(e);
        }
        try {
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true);
            }
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** The data source gave no connection: nothing was sent. */
    private static final class NoConnection extends SQLException {
        private static final long serialVersionUID = 1L;

        NoConnection(SQLException cause) {
            super(cause.getMessage(), cause.getSQLState(), cause.getErrorCode(), cause);
        }
    }

    /**
     * Whether the database could not be reached at all: no connection (unless it refused the credentials), or one
     * lost before an answer other than a timeout. Only then may a runtime with failOpen run the method unprotected.
     */
    private static boolean unreachable(SQLException e) {
        if (!(e instanceof NoConnection)) {
            return SqlErrors.isUnreachable(e);
        }
        SQLException refused = (SQLException) e.getCause();
        if (SqlErrors.isAuthorizationFailure(refused)) {
            return false;
        }
        if (refused instanceof java.sql.SQLTransientConnectionException && refused.getCause() == null
                && refused.getSQLState() == null) {
            // a pool that timed out waiting for one of its own connections, with no failed connect behind it: the
            // database answers, the pool is busy (a burst, slow calls); that is no reason to run unprotected
            return false;
        }
        if (refused instanceof java.sql.SQLTransientConnectionException && refused.getCause() instanceof SQLException last) {
            return SqlErrors.isUnreachable(last); // the pool's last failed connect says why
        }
        return true; // the driver could not connect
    }

    /** At most half the lease, at least 1 s (JDBC's unit), at most 30 s. */
    private static int renewTimeoutSeconds(Duration lease) {
        return (int) Math.max(1, Math.min(30, lease.toSeconds() / 2));
    }

    private int update(Connection c, Sql sql, Sql.Args a) throws SQLException {
        try (PreparedStatement ps = sql.prepare(c, a)) {
            return ps.executeUpdate();
        }
    }

    private Sql.Args args(String namespace, String key, String owner) {
        Sql.Args a = new Sql.Args();
        if (namespace.length() > MAX_NAMESPACE_LENGTH) {
            throw new IdempotencyStoreException("namespace of " + namespace.length() + " characters is longer than the "
                    + MAX_NAMESPACE_LENGTH + " that store " + describe() + " keeps", namespace, key);
        }
        a.namespace = namespace;
        a.key = checkLength("key", key, MAX_KEY_LENGTH, namespace, key);
        a.owner = owner == null ? null : checkLength("owner token", owner, MAX_TOKEN_LENGTH, namespace, key);
        a.hash = hash(namespace, key);
        a.now = timeSource == TimeSource.RUNTIME ? clock.millis() : 0;
        return a;
    }

    private String checkLength(String what, String value, int max, String namespace, String key) {
        if (value.length() > max) {
            throw new IdempotencyStoreException(what + " of " + value.length() + " characters is longer than the "
                    + max + " that store " + describe() + " keeps", namespace, key);
        }
        return value;
    }

    /**
     * SHA-256 of the namespace's length, the namespace and the key: one value per pair, 32 bytes whatever their size.
     * Both are encoded as strict UTF-8: a string that is not well-formed Unicode (a lone surrogate) is refused, since
     * a lenient encoder would hash it like another string, with '?' in its place.
     *
     * @throws IdempotencyStoreException (not unreachable) for a namespace or key that is not well-formed Unicode
     */
    static byte[] hash(String namespace, String key) {
        MessageDigest digest = SHA256.get();
        digest.update((namespace.length() + ":").getBytes(StandardCharsets.US_ASCII));
        digest.update(utf8("namespace", namespace, namespace, key));
        digest.update((byte) ':');
        digest.update(utf8("key", key, namespace, key));
        return digest.digest();
    }

    private static ByteBuffer utf8(String what, String value, String namespace, String key) {
        try {
            return UTF8.get().reset().encode(CharBuffer.wrap(value));
        } catch (CharacterCodingException e) {
            throw new IdempotencyStoreException("the " + what + " " + escaped(value) + " is not well-formed Unicode"
                    + " (a lone surrogate): the JDBC store keeps only strings it can encode as UTF-8 exactly; namespace "
                    + escaped(namespace) + ", key " + escaped(key), namespace, key, e, false);
        }
    }

    /** The string, quoted, with every character outside printable ASCII escaped as backslash, u and four hex digits. */
    private static String escaped(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 2).append('\'');
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch >= 0x20 && ch < 0x7f) {
                sb.append(ch);
            } else {
                sb.append(String.format("\\u%04X", (int) ch));
            }
        }
        return sb.append('\'').toString();
    }

    private IdempotencyStoreException failure(String operation, String namespace, String key, SQLException e) {
        return new IdempotencyStoreException("store " + describe() + " failed to " + operation + " key '" + key
                + "' (namespace " + namespace + "): " + SqlErrors.describe(e), namespace, key, e, unreachable(e));
    }

    // ---- schema ----

    /** The statements, for an operation: a missing table is then a store failure, reported on every call. */
    private Statements ready() throws SQLException {
        try {
            return statements();
        } catch (MissingTable e) {
            throw new IdempotencyStoreException(e.getMessage(), null, null, e.getCause());
        }
    }

    /**
     * The compiled statements, after the first contact with the database (which checks or creates the table). One
     * call makes the contact at a time; the calls that need it meanwhile wait for that attempt's outcome rather than
     * queue up for attempts of their own, so while the database is down they all fail within one connection timeout.
     * No monitor is held across the I/O (a virtual thread waiting here leaves its carrier free).
     */
    private Statements statements() throws SQLException {
        Statements s = statements;
        if (s != null) {
            return s;
        }
        CompletableFuture<Statements> attempt;
        boolean mine = false;
        connectLock.lock();
        try {
            if (statements != null) {
                return statements;
            }
            attempt = connecting;
            if (attempt == null) {
                attempt = connecting = new CompletableFuture<>();
                mine = true;
            }
        } finally {
            connectLock.unlock();
        }
        if (mine) {
            Statements made = null;
            Throwable failed = null;
            try {
                made = connect();
                statements = made;
                return made;
            } catch (SQLException | RuntimeException | Error e) {
                failed = e;
                throw e;
            } finally {
                connectLock.lock();
                try {
                    connecting = null; // the next call after a failure tries again
                } finally {
                    connectLock.unlock();
                }
                if (failed == null) {
                    attempt.complete(made);
                } else {
                    attempt.completeExceptionally(failed);
                }
            }
        }
        try {
            return attempt.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IdempotencyStoreException("interrupted while waiting for the first contact of store " + describe()
                    + " with its database", null, null, e, false);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof NoConnection n) {
                throw new NoConnection(n); // this call's own trace, the same cause and meaning
            }
            if (cause instanceof SQLException sql) {
                throw new SQLException(sql.getMessage(), sql.getSQLState(), sql.getErrorCode(), sql);
            }
            if (cause instanceof MissingTable m) {
                throw new MissingTable(m.getMessage(), m.getCause());
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw (Error) cause;
        }
    }

    private Statements connect() throws SQLException {
        try (Connection c = pooled()) {
            Database database = configuredDatabase;
            if (database == null) {
                String product = c.getMetaData().getDatabaseProductName();
                database = Database.ofProductName(product);
                if (database == null) {
                    throw new MissingTable("the JDBC store supports PostgreSQL, MariaDB, MySQL and H2, but the data"
                            + " source connects to " + product, null);
                }
            }
            SQLException createFailure = null;
            if (createTable) {
                try {
                    createTable(c, database);
                } catch (SQLException e) {
                    createFailure = e; // e.g. another process created it at the same moment: the probe decides
                }
            }
            Statements s = new Statements(database, table, timeSource == TimeSource.DATABASE);
            try (Statement st = c.createStatement()) {
                st.executeQuery(s.probe).close();
            } catch (SQLException e) {
                if (SqlErrors.isUnreachable(e)) {
                    throw e;
                }
                SQLException cause = createFailure != null ? createFailure : e;
                throw new MissingTable("the idempotency table " + table + " is missing or lacks columns in the "
                        + database.id() + " database (" + SqlErrors.describe(cause) + "): create it with the DDL in "
                        + database.schemaResource() + " (in the idempotency-jdbc jar), or let the store create it"
                        + " (URI option idempotency.createTable=true, or createTable(true) on the builder)", cause);
            }
            return s;
        }
    }

    private void createTable(Connection c, Database database) throws SQLException {
        String unqualified = SqlIdentifiers.unqualified(table);
        String ddl = schemaDdl(database).replace("${table}", table).replace("${table_name}", unqualified)
                .replace("${index}", unqualified + "_expires_at");
        try (Statement st = c.createStatement()) {
            for (String statement : ddl.split(";\\s*(\\n|$)")) {
                if (!statement.isBlank()) {
                    st.execute(statement);
                }
            }
        }
    }

    /** The DDL for a database, without comments: the text of {@link Database#schemaResource()}. */
    static String schemaDdl(Database database) {
        try (InputStream in = JdbcStore.class.getClassLoader().getResourceAsStream(database.schemaResource())) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + database.schemaResource());
            }
            StringBuilder sb = new StringBuilder();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                int comment = line.indexOf("--");
                String code = comment >= 0 ? line.substring(0, comment) : line;
                if (!code.isBlank()) {
                    sb.append(code.stripTrailing()).append('\n');
                }
            }
            return sb.toString();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + database.schemaResource(), e);
        }
    }

    /** The table is missing and may not be created: a configuration problem, not an outage. */
    private static final class MissingTable extends RuntimeException {
        MissingTable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    // ---- purge ----

    private ScheduledExecutorService startPurger() {
        ScheduledExecutorService executor = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "idempotency-jdbc-purge");
            t.setDaemon(true);
            return t;
        });
        long every = purgeInterval.toMillis();
        // processes that start together spread their purges over the interval
        long first = every / 2 + ThreadLocalRandom.current().nextLong(Math.max(1, every / 2));
        executor.scheduleWithFixedDelay(this::purgeQuietly, first, every, TimeUnit.MILLISECONDS);
        return executor;
    }

    private void purgeQuietly() {
        try {
            int deleted = purgeExpired();
            if (deleted > 0) {
                LOG.log(System.Logger.Level.DEBUG, "idempotency: purged " + deleted + " expired records from " + table);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "idempotency: " + e.getMessage());
        }
    }

    private void closeOwnedDataSource() {
        if (ownedDataSource != null) {
            try {
                ownedDataSource.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "idempotency: closing the connection pool of " + describe()
                        + " failed: " + e);
            }
        }
    }

    // ---- the builder ----

    /** Builds a {@link JdbcStore}; each setter checks its value at once. */
    public static final class Builder {
        private final DataSource dataSource;
        private AutoCloseable ownedDataSource;
        private Database database;
        private String table = DEFAULT_TABLE;
        private boolean createTable;
        private TimeSource timeSource = TimeSource.DATABASE;
        private Clock clock = Clock.systemUTC();
        private Duration purgeInterval = DEFAULT_PURGE_INTERVAL;
        private int purgeBatchSize = DEFAULT_PURGE_BATCH_SIZE;
        private String source;

        private Builder(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        /** The database's SQL to speak; by default learned from the connection's metadata on first contact. */
        public Builder database(Database database) {
            this.database = Objects.requireNonNull(database, "database");
            return this;
        }

        /** The table, optionally schema-qualified ({@code billing.idempotency_records}); default {@value #DEFAULT_TABLE}. */
        public Builder table(String table) {
            try {
                this.table = SqlIdentifiers.table("table", table);
            } catch (IllegalArgumentException e) {
                throw new IdempotencyConfigurationException(e.getMessage(), null, null);
            }
            return this;
        }

        /** Whether to create the table and its index at start if they do not exist (default false). */
        public Builder createTable(boolean createTable) {
            this.createTable = createTable;
            return this;
        }

        /** Use the runtime's clock for expiry instead of the database's (the default). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            this.timeSource = TimeSource.RUNTIME;
            return this;
        }

        /** Use the database's clock for expiry (the default). */
        public Builder databaseClock() {
            this.timeSource = TimeSource.DATABASE;
            this.clock = Clock.systemUTC();
            return this;
        }

        /** How often to purge expired records in the background; {@link Duration#ZERO} turns it off. Default PT1M. */
        public Builder purgeInterval(Duration interval) {
            if (interval == null || interval.isNegative() || (!interval.isZero() && interval.toMillis() < 10)) {
                throw new IdempotencyConfigurationException("purgeInterval must be zero (off) or at least 10 ms, but was "
                        + interval, null, null);
            }
            this.purgeInterval = interval;
            return this;
        }

        /** How many expired records one purge statement deletes (default 500): small batches hold few locks. */
        public Builder purgeBatchSize(int size) {
            if (size < 1 || size > 100_000) {
                throw new IdempotencyConfigurationException("purgeBatchSize must be between 1 and 100000, but was "
                        + size, null, null);
            }
            this.purgeBatchSize = size;
            return this;
        }

        /** The store closes this (its own pool) when it is closed. */
        Builder ownedDataSource(AutoCloseable owned, String source) {
            this.ownedDataSource = owned;
            this.source = source;
            return this;
        }

        /**
         * Builds the store and makes first contact: checks (or creates) the table. An unreachable database is
         * tolerated (calls fail closed until it is up); a missing table is an {@link IdempotencyConfigurationException}.
         */
        public JdbcStore build() {
            return new JdbcStore(this);
        }
    }
}
