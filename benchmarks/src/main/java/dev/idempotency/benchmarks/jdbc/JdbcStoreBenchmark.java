package dev.idempotency.benchmarks.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.jdbc.JdbcIdempotency;
import dev.idempotency.jdbc.JdbcStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The database store on PostgreSQL against a raw JDBC insert, at the same concurrency (JMH's {@code -t}), in
 * operations per second:
 *
 * <ul>
 *   <li>{@code rawInsert}: the baseline, one {@code INSERT} of a new row in autocommit.</li>
 *   <li>{@code idempotentInsert}: the same insert inside an {@code @Idempotent} method with a fresh key: claim, insert,
 *       complete (three statements).</li>
 *   <li>{@code idempotentInsertInTransaction}: the same in transactional mode: one transaction, the connection bound
 *       with {@code JdbcIdempotency.bind}; claim, insert and complete commit together (one commit).</li>
 *   <li>{@code idempotentNoWrite}: an {@code @Idempotent} method with a fresh key and no business write: claim and
 *       complete, the store's own cost (two statements).</li>
 *   <li>{@code idempotentReplay}: an {@code @Idempotent} call whose key is recorded: one statement, no body.</li>
 *   <li>{@code rawSelectByPrimaryKey}: the replay's floor, a raw {@code SELECT} of an existing row by its primary key
 *       on the same pool (the rows inserted at trial start, taken in turn like the replay's keys).</li>
 * </ul>
 *
 * The database is {@code -Didempotency.bench.jdbc=jdbc:…} (PostgreSQL, MariaDB or H2; the older
 * {@code idempotency.bench.postgres} is read too; default PostgreSQL at 127.0.0.1:5432, database test, user postgres).
 * {@code -p nearCache=false} turns the runtime's near cache off, so that {@code idempotentReplay} reads the record from
 * the database (with it on, the library's default, a replay of a key this runtime recorded sends nothing). Each trial empties the benchmark's own tables ({@code idembench_*}). At trial start each thread checks
 * that the methods are woven (two calls with one key run the body once); after each iteration the fresh-key
 * benchmarks must have run their body once per key and the replay never.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@SuppressWarnings("try") // the binding is held for its scope, not referenced
public class JdbcStoreBenchmark {

    public static final String URL = System.getProperty("idempotency.bench.jdbc",
            System.getProperty("idempotency.bench.postgres", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres"));
    static final String RECORDS = "idembench_records";
    static final int KNOWN_KEYS = 256;

    /** One pool and one store for the trial, sized for the benchmark's threads. */
    @State(Scope.Benchmark)
    public static class Database {
        HikariDataSource pool;

        /** The runtime's near cache: on (its default bound) or off; {@code -p nearCache=true,false} compares them. */
        @Param({"true"})
        public boolean nearCache;

        @Setup(Level.Trial)
        public void open(BenchmarkParams params) throws SQLException {
            pool = new HikariDataSource();
            pool.setJdbcUrl(URL);
            pool.setMaximumPoolSize(params.getThreads() + 2);
            pool.setPoolName("bench");
            try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS " + JdbcPaymentService.TABLE + " (payment_id VARCHAR(64) NOT NULL"
                        + " PRIMARY KEY, amount_cents BIGINT NOT NULL, currency VARCHAR(3) NOT NULL)");
                st.execute("DROP TABLE IF EXISTS " + RECORDS);
                st.execute("TRUNCATE TABLE " + JdbcPaymentService.TABLE);
            }
            JdbcStore store = JdbcStore.builder(pool).table(RECORDS).createTable(true).purgeInterval(Duration.ZERO)
                    .build();
            Idempotency.configure(IdempotencyConfig.builder().store(store)
                    .nearCacheMaxEntries(nearCache ? IdempotencyConfig.DEFAULT_NEAR_CACHE_MAX_ENTRIES : 0).build());
            System.out.print("(store: " + store.describe() + ", threads " + params.getThreads() + ", near cache "
                    + nearCache + ") ");
        }

        @TearDown(Level.Trial)
        public void close() {
            Idempotency.reset();
            pool.close();
        }
    }

    /** One caller thread: its own service and key sequence, and keys recorded before measuring, to replay. */
    @State(Scope.Thread)
    public static class Caller {
        JdbcPaymentService service;
        String prefix;
        long sequence;
        long sequenceAtStart;
        long executionsAtStart;
        final String[] known = new String[KNOWN_KEYS];
        int nextKnown;

        String next() {
            return prefix.concat(Long.toString(++sequence));
        }

        @Setup(Level.Trial)
        public void prepare(Database db) {
            service = new JdbcPaymentService(db.pool);
            prefix = UUID.randomUUID().toString().substring(0, 8) + "-";
            String probe = prefix + "probe";
            Payment first = service.pay(probe);
            Payment again = service.pay(probe);
            if (service.executions() != 1 || !first.equals(again)) {
                throw new IllegalStateException("JdbcPaymentService.pay is not woven with the idempotency aspect:"
                        + " two calls with one key ran the body " + service.executions() + " times");
            }
            for (int i = 0; i < KNOWN_KEYS; i++) {
                known[i] = prefix + "known-" + i;
                service.payNoWrite(known[i]);
                service.insertPlain(known[i]); // a row for rawSelectByPrimaryKey to read
            }
        }

        @Setup(Level.Iteration)
        public void mark() {
            sequenceAtStart = sequence;
            executionsAtStart = service.executions();
        }

        @TearDown(Level.Iteration)
        public void check(BenchmarkParams params) {
            long keys = sequence - sequenceAtStart;
            long ran = service.executions() - executionsAtStart;
            if (ran != keys) {
                throw new IllegalStateException(params.getBenchmark() + ": the body ran " + ran + " times for " + keys
                        + " new keys in this iteration");
            }
        }
    }

    @Benchmark
    public Payment rawInsert(Caller caller) {
        return caller.service.insertPlain(caller.next());
    }

    @Benchmark
    public Payment idempotentInsert(Caller caller) {
        return caller.service.pay(caller.next());
    }

    @Benchmark
    public Payment idempotentInsertInTransaction(Database db, Caller caller) throws SQLException {
        try (Connection c = db.pool.getConnection()) {
            c.setAutoCommit(false);
            try (JdbcIdempotency.Binding tx = JdbcIdempotency.bind(c)) {
                Payment payment = caller.service.payInTransaction(c, caller.next());
                c.commit();
                return payment;
            } catch (RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    @Benchmark
    public Payment idempotentNoWrite(Caller caller) {
        return caller.service.payNoWrite(caller.next());
    }

    @Benchmark
    public Payment idempotentReplay(Caller caller) {
        String key = caller.known[caller.nextKnown++ & (KNOWN_KEYS - 1)];
        return caller.service.payNoWrite(key);
    }

    @Benchmark
    public Payment rawSelectByPrimaryKey(Database db, Caller caller) throws SQLException {
        String key = caller.known[caller.nextKnown++ & (KNOWN_KEYS - 1)];
        try (Connection c = db.pool.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT payment_id, amount_cents, currency FROM "
                     + JdbcPaymentService.TABLE + " WHERE payment_id = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("no row for the existing payment " + key);
                }
                return new Payment(rs.getString(1), rs.getLong(2), rs.getString(3));
            }
        }
    }
}
