package dev.idempotency.jdbc;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.IdempotencyStoreException;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.Outcome;
import dev.idempotency.spi.StoredRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * The database store: one table whose primary key is a hash of namespace and key, claimed with the database's own
 * insert-if-absent, completed, released and renewed only by the owner of the claim. It speaks PostgreSQL, MariaDB
 * and H2 (see {@link Database}); the JDBC driver is the application's.
 *
 * <p>Over the application's own {@link DataSource}, which the store uses and never closes:
 * <pre>{@code
 * JdbcStore store = JdbcStore.builder(dataSource)
 *         .table("idempotency_records")            // the default
 *         .createTable(true)                       // default false: the table is usually migrated
 *         .purgeInterval(Duration.ofMinutes(1))    // the default; Duration.ZERO turns the purge off
 *         .build();
 * Idempotency.configure(IdempotencyConfig.builder().store(store).build());
 * }</pre>
 *
 * <p>Or from a store URI, on a HikariCP pool of its own that the store closes (see {@link JdbcStoreProvider} for the
 * {@code idempotency.*} options):
 * <pre>{@code
 * Idempotency.configure(IdempotencyConfig.builder()
 *         .storeUri("jdbc:postgresql://db:5432/app?user=app&password=secret&idempotency.createTable=true")
 *         .build());
 * }</pre>
 *
 * <p>In transactional mode the record is written on the connection of the caller's transaction. With plain JDBC,
 * bind that connection with {@link JdbcIdempotency#bind}; with Spring (spring-jdbc on the class path), a
 * {@code @Transactional} method on the store's data source is joined without further code:
 * <pre>{@code
 * @Transactional
 * @Idempotent(key = "#request.paymentId")
 * public Receipt pay(PaymentRequest request) {
 *     // the claim, these writes and the completed record commit, or roll back, together
 *     jdbcTemplate.update("INSERT INTO payments (id, amount) VALUES (?, ?)", request.paymentId(), request.amount());
 *     return new Receipt(request.paymentId());
 * }
 * }</pre>
 *
 * <p>A store is safe for use by any number of threads at once; a {@link Builder} is not.
 *
 * <p>Life cycle, the same for every store:
 * <ul>
 *   <li><b>Built without the database.</b> {@link Builder#build()} (and a {@code jdbc:} URI) only checks the
 *       configuration; it opens no connection, so an application starts while its database is down.</li>
 *   <li><b>Connects on first use.</b> The first operation makes the first contact: it learns the database (unless
 *       configured), creates the table if asked to, and checks that the table has the columns the store uses, once.
 *       Concurrent first calls share one attempt. If the database cannot be reached, that operation fails and the
 *       next one tries again: the store never needs to be rebuilt.</li>
 *   <li><b>"Unreachable", one way.</b> An operation that cannot reach the database throws
 *       {@link IdempotencyStoreException} with {@link IdempotencyStoreException#isUnreachable()} true: no connection
 *       could be made, or it was lost before an answer. A pool that is merely busy, wrong credentials, a missing or
 *       wrong table, a timeout after a statement was sent, a deadlock: those are store errors too, but not
 *       unreachable, so a runtime with {@code failOpen} never runs the method unprotected for them.</li>
 *   <li><b>Close.</b> {@link #close()} stops the background purge and closes the connection pool the store created
 *       itself (a store from a {@code jdbc:} URI). A {@link DataSource} handed to {@link #builder(DataSource)} belongs
 *       to the caller and stays open. Closing twice is harmless; operations after {@code close()} fail (not
 *       unreachable).</li>
 * </ul>
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

    /** The table, unless {@link Builder#table} names another: {@value}. */
    public static final String DEFAULT_TABLE = "idempotency_records";
    /** How often expired records are purged, unless {@link Builder#purgeInterval} says otherwise: one minute. */
    public static final Duration DEFAULT_PURGE_INTERVAL = Duration.ofMinutes(1);
    /** Expired records deleted per purge statement, unless {@link Builder#purgeBatchSize} says otherwise: {@value}. */
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

    private static final int MAX_KEY_LENGTH = 255;
    private static final int MAX_TOKEN_LENGTH = 1000;
    private static final long MAX_DEADLOCK_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Attempts of an autocommit operation that the database failed to break a deadlock. */
    private static final int MAX_DEADLOCK_ATTEMPTS = 5;

    /** What the first contact with the database gives: its statements and its way to claim. */
    private record Ready(Statements statements, Claims claims) {
    }

    /** Read by reflection in BusyPoolTest: the data source the store takes its connections from. */
    private final DataSource dataSource;
    private final Connections connections;
    private final Database configuredDatabase;
    private final String table;
    private final TimeSource timeSource;
    private final Clock clock;
    private final String source;
    private final Schema schema;
    private final FirstContact<Ready> contact;
    private final Purger purger;
    /** Claims made inside a still-open transaction, by owner token: the transaction's row lock protects them. */
    private final ConcurrentHashMap<String, Connection> transactionalClaims = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private JdbcStore(Builder b) {
        this.dataSource = b.dataSource;
        this.connections = new Connections(b.dataSource, b.ownedPool);
        this.configuredDatabase = b.database;
        this.table = b.table;
        this.timeSource = b.timeSource;
        this.clock = b.clock;
        this.source = b.source;
        this.schema = new Schema(b.database, b.table, b.createTable, b.timeSource == TimeSource.DATABASE);
        this.contact = new FirstContact<>(this::describe);
        this.purger = new Purger(connections, clock, b.purgeBatchSize);
        // the background purge waits for the store's first contact: an unused store never touches the database
        purger.start(b.purgeInterval, () -> contact.ifMade() == null ? 0 : purgeExpired(), table);
    }

    /**
     * A builder for a store over the application's data source, which stays the application's: the store never
     * closes it. For transactional mode with Spring, pass the same data source that the transaction manager uses.
     *
     * @param dataSource where the store takes its connections from
     * @return a new builder with every other setting at its default
     * @throws NullPointerException if {@code dataSource} is {@code null}
     */
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
            Claims claims = ready("claim", a).claims();
            Transactions.Tx tx = connections.openTransaction();
            if (tx != null) {
                ClaimResult result;
                try {
                    result = claims.claimInTransaction(tx, a);
                } catch (SQLException e) {
                    throw inTransaction("claim", a, e);
                }
                if (result instanceof ClaimResult.Claimed) {
                    transactionalClaims.put(owner, tx.connection());
                    tx.onEnd(() -> transactionalClaims.remove(owner));
                } else if (result instanceof ClaimResult.Found found && found.record().hasExpiry()) {
                    // it may be this very transaction's own record, which a rollback would take back: no expiry
                    // told, so no runtime keeps it beyond this call
                    StoredRecord r = found.record();
                    result = ClaimResult.found(new StoredRecord(r.owner(), r.fingerprint(), r.outcome()));
                }
                return result;
            }
            return retryingDeadlocks(() -> {
                try (Connection c = connections.autocommit()) {
                    return claims.claim(c, a);
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
            Statements s = ready(operation, a).statements();
            Connection locked = transactionOf(a.owner);
            if (locked != null) {
                try {
                    return (complete ? s.completeLocked : s.releaseLocked).update(locked, a) == 1;
                } catch (SQLException e) {
                    throw inTransaction(operation, a, e);
                }
            }
            // conditional on the owner: doing it again after a deadlock broke it is harmless
            return retryingDeadlocks(() -> {
                try (Connection c = connections.autocommit()) {
                    return (complete ? s.complete : s.release).update(c, a) == 1;
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
            Statements s = ready("renew", a).statements();
            try (Connection c = connections.autocommit(); PreparedStatement ps = s.renew.prepare(c, a)) {
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
            Statements s = ready("read", a).statements();
            try (Connection c = connections.autocommit(); PreparedStatement ps = s.read.prepare(c, a);
                 ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Rows.read(rs, 1, namespace, key, table).record(rs.getLong(10), a.localNow) : null;
            }
        } catch (SQLException e) {
            throw failure("read", namespace, key, e);
        }
    }

    /**
     * Deletes expired records in batches of {@code purgeBatchSize}, each its own short statement that skips or
     * waits only for rows other statements are changing, until a batch comes back short. Runs every
     * {@code purgeInterval} in the background once the store is in use; callable by hand.
     *
     * @return the number of records deleted
     */
    public int purgeExpired() {
        try {
            return purger.purge(ready("purge expired records", null).statements());
        } catch (Purger.Failure e) {
            throw purgeFailure(e.deleted, e.sqlCause());
        } catch (SQLException e) {
            throw purgeFailure(0, e);
        }
    }

    private IdempotencyStoreException purgeFailure(int deleted, SQLException e) {
        return new IdempotencyStoreException("store " + describe() + " failed to purge expired records after "
                + deleted + ": " + Connections.describe(e), null, null, e, Connections.unreachable(e));
    }

    @Override
    public String describe() {
        Ready ready = contact.ifMade();
        Database db = ready != null ? ready.statements().database : configuredDatabase;
        return "jdbc(" + (db == null ? "database not yet known" : db.id()) + ", table=" + table + ", clock="
                + timeSource.name().toLowerCase(Locale.ROOT) + (source == null ? "" : ", " + source) + ")";
    }

    /**
     * Stops the background purge and closes the connection pool the store created (a store from a {@code jdbc:}
     * URI); a data source handed to the builder is the caller's and stays open. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        purger.close();
        connections.closeOwned(describe());
    }

    /**
     * The table's name, as configured.
     *
     * @return the table, schema-qualified if it was configured so
     */
    public String table() {
        return table;
    }

    /** The record's primary key for namespace and key (tests look records up by it). */
    static byte[] hash(String namespace, String key) {
        return KeyHash.of(namespace, key);
    }

    // ---- first contact ----

    /**
     * What the first contact gave, making it if need be. A schema problem (missing table, a database the store does
     * not speak) is a store failure that is not "unreachable", reported on every call until it is fixed.
     *
     * @param a the operation's arguments, for the message; null for none
     */
    private Ready ready(String operation, Sql.Args a) throws SQLException {
        String ns = a == null ? null : a.namespace;
        String key = a == null ? null : a.key;
        if (closed) {
            throw new IdempotencyStoreException("store " + describe() + " is closed: cannot " + operation
                    + (key == null ? "" : " key '" + key + "' (namespace " + ns + ")"), ns, key);
        }
        try {
            Ready ready = contact.ifMade();
            return ready != null ? ready : contact.get(this::firstContact);
        } catch (Schema.Problem e) {
            throw new IdempotencyStoreException("store " + describe() + " cannot " + operation
                    + (key == null ? "" : " key '" + key + "' (namespace " + ns + ")") + ": " + e.getMessage(),
                    ns, key, e.getCause(), false);
        }
    }

    /**
     * Checks the table, on the calling thread's open transaction if it has one: calls that each hold a pooled
     * connection for their transaction would otherwise all wait for one more, and with as many of them as the pool
     * has connections, none would come. There the check only reads (inside a savepoint, so a missing table does not
     * abort the transaction); creating the table takes a connection of its own, as DDL must not join the caller's
     * transaction (MariaDB commits it).
     */
    private Ready firstContact() throws SQLException {
        Transactions.Tx tx = connections.openTransaction();
        Statements s = tx == null ? null : schema.probe(tx.connection());
        if (s == null) {
            try (Connection c = connections.autocommit()) {
                s = schema.check(c);
            }
        }
        connections.firstContactMade();
        return new Ready(s, Claims.of(s, connections, clock, this::describe));
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
    private static <T> T retryingDeadlocks(SqlCall<T> call) throws SQLException {
        long deadline = System.nanoTime() + MAX_DEADLOCK_NANOS;
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
     * A failure inside the caller's transaction. A deadlock (or serialization failure) has rolled back (MariaDB)
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

    private IdempotencyStoreException failure(String operation, String namespace, String key, SQLException e) {
        return new IdempotencyStoreException("store " + describe() + " failed to " + operation + " key '" + key
                + "' (namespace " + namespace + "): " + Connections.describe(e), namespace, key, e,
                Connections.unreachable(e));
    }

    // ---- arguments ----

    /** The connection of the open transaction that made this owner's claim, if the current thread runs in it. */
    private Connection transactionOf(String owner) {
        Connection c = transactionalClaims.get(owner);
        if (c == null) {
            return null;
        }
        Transactions.Tx tx = connections.currentTransaction();
        return tx != null && tx.connection() == c ? c : null;
    }

    /** At most half the lease, at least 1 s (JDBC's unit), at most 30 s. */
    private static int renewTimeoutSeconds(Duration lease) {
        return (int) Math.max(1, Math.min(30, lease.toSeconds() / 2));
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
        a.hash = KeyHash.of(namespace, key);
        a.localNow = clock.millis();
        a.now = timeSource == TimeSource.RUNTIME ? a.localNow : 0;
        return a;
    }

    private String checkLength(String what, String value, int max, String namespace, String key) {
        if (value.length() > max) {
            throw new IdempotencyStoreException(what + " of " + value.length() + " characters is longer than the "
                    + max + " that store " + describe() + " keeps", namespace, key);
        }
        return value;
    }

    // ---- the builder ----

    /**
     * Builds a {@link JdbcStore}; each setter checks its value at once. Obtained from
     * {@link JdbcStore#builder(DataSource)}; not safe for use by several threads at once.
     */
    public static final class Builder {
        private final DataSource dataSource;
        private OwnedPool ownedPool;
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

        /**
         * The database's SQL to speak; by default learned from the connection's metadata on first contact.
         *
         * @param database the database behind the data source
         * @return this builder
         * @throws NullPointerException if {@code database} is {@code null}
         */
        public Builder database(Database database) {
            this.database = Objects.requireNonNull(database, "database");
            return this;
        }

        /**
         * The table, optionally schema-qualified ({@code billing.idempotency_records}); default
         * {@value #DEFAULT_TABLE}.
         *
         * @param table a plain SQL identifier ({@code [A-Za-z_][A-Za-z0-9_]*}, at most 63 characters), or two joined
         *              by a dot
         * @return this builder
         * @throws IdempotencyConfigurationException if {@code table} is {@code null} or not such a name
         */
        public Builder table(String table) {
            try {
                this.table = SqlIdentifiers.table("table", table);
            } catch (IllegalArgumentException e) {
                throw new IdempotencyConfigurationException(e.getMessage(), null, null);
            }
            return this;
        }

        /**
         * Whether to create the table and its index on first use if they do not exist (default false). Without it, a
         * missing table fails every call with a store error whose message says where the DDL is.
         *
         * @param createTable {@code true} to create them
         * @return this builder
         */
        public Builder createTable(boolean createTable) {
            this.createTable = createTable;
            return this;
        }

        /**
         * Use the runtime's clock for expiry instead of the database's (the default): every host's clock must then
         * agree to well within a lease. Mostly for tests that move time without sleeping.
         *
         * @param clock the clock whose time the statements are given
         * @return this builder
         * @throws NullPointerException if {@code clock} is {@code null}
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            this.timeSource = TimeSource.RUNTIME;
            return this;
        }

        /**
         * Use the database's clock for expiry (the default), undoing {@link #clock(Clock)}.
         *
         * @return this builder
         */
        public Builder databaseClock() {
            this.timeSource = TimeSource.DATABASE;
            this.clock = Clock.systemUTC();
            return this;
        }

        /**
         * How often to purge expired records in the background, once the store is in use; {@link Duration#ZERO}
         * turns it off ({@link JdbcStore#purgeExpired()} still works). Default one minute.
         *
         * @param interval zero, or at least 10 ms
         * @return this builder
         * @throws IdempotencyConfigurationException if {@code interval} is {@code null}, negative, or shorter than
         *                                           10 ms but not zero
         */
        public Builder purgeInterval(Duration interval) {
            if (interval == null || interval.isNegative() || (!interval.isZero() && interval.toMillis() < 10)) {
                throw new IdempotencyConfigurationException("purgeInterval must be zero (off) or at least 10 ms, but was "
                        + interval, null, null);
            }
            this.purgeInterval = interval;
            return this;
        }

        /**
         * How many expired records one purge statement deletes (default 500): small batches hold few locks.
         *
         * @param size from 1 to 100000
         * @return this builder
         * @throws IdempotencyConfigurationException if {@code size} is out of that range
         */
        public Builder purgeBatchSize(int size) {
            if (size < 1 || size > 100_000) {
                throw new IdempotencyConfigurationException("purgeBatchSize must be between 1 and 100000, but was "
                        + size, null, null);
            }
            this.purgeBatchSize = size;
            return this;
        }

        /** The pool the store was built on is its own: the store closes it when it is closed. */
        Builder ownedPool(OwnedPool pool, String source) {
            this.ownedPool = pool;
            this.source = source;
            return this;
        }

        /**
         * Builds the store without touching the database: the first operation connects, and checks (or creates) the
         * table. A missing table is then a store failure of every call, with the DDL to run in its message. A
         * non-zero purge interval starts the store's purge thread (a daemon), which touches the database only once
         * the store has made its first contact.
         *
         * @return a new store
         */
        public JdbcStore build() {
            return new JdbcStore(this);
        }
    }
}
