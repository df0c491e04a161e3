package dev.idempotency.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.core.IdempotencyRuntime;
import dev.idempotency.testkit.MutableClock;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The runtime's near cache on the database store, counted at the data source: a replay of a completed record it
 * knows executes no statement; a record another runtime completed is read once (the row tells its expiry, so nothing
 * more is asked), then kept. Entries end with the record's expiry; records written or read inside the caller's
 * transaction are never kept, since a rollback takes them back.
 */
@SuppressWarnings("try") // the binding is held for its scope, not referenced
class JdbcNearCacheTest {

    private final List<IdempotencyRuntime> runtimes = new ArrayList<>();
    private final AtomicInteger runs = new AtomicInteger();

    @AfterEach
    void close() {
        runtimes.forEach(IdempotencyRuntime::close);
    }

    private IdempotencyRuntime runtime(CountingDataSource counting, Database database, Clock storeClock,
                                       UnaryOperator<IdempotencyConfig.Builder> settings) {
        JdbcStore.Builder store = JdbcStore.builder(counting.wrap(Databases.of(database))).database(database)
                .createTable(true).purgeInterval(Duration.ZERO)
                .table(storeClock == null ? Databases.DB_CLOCK_TABLE : Databases.RUNTIME_CLOCK_TABLE);
        if (storeClock != null) {
            store.clock(storeClock);
        }
        IdempotencyConfig.Builder config = IdempotencyConfig.builder().store(store.build());
        if (storeClock != null) {
            config.clock(storeClock);
        }
        IdempotencyRuntime runtime = IdempotencyRuntime.create(settings.apply(config).build());
        runtimes.add(runtime);
        runtime.store().read("idemjdbc.near", "first-contact"); // the table check comes once, not per call
        return runtime;
    }

    private String text(IdempotencyRuntime runtime, String key) {
        return runtime.call("idemjdbc.near", key, String.class).payload("p").ttl(Duration.ofMinutes(1))
                .run(() -> "run " + runs.incrementAndGet());
    }

    private String longLived(IdempotencyRuntime runtime, String key) {
        return runtime.call("idemjdbc.near", key, String.class).payload("p").ttl(Duration.ofMinutes(10))
                .run(() -> "run " + runs.incrementAndGet());
    }

    private static String key(String name) {
        return name + "-" + UUID.randomUUID();
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aReplayServedFromTheNearCacheExecutesNoStatement(Database database) {
        CountingDataSource counting = new CountingDataSource();
        IdempotencyRuntime runtime = runtime(counting, database, null, b -> b);
        String k = key("zero");
        text(runtime, k);
        counting.reset();
        for (int i = 0; i < 50; i++) {
            assertThat(text(runtime, k)).isEqualTo("run 1");
        }
        assertThat(counting.statements).hasValue(0);
        assertThat(counting.transactionEnds).hasValue(0);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void aRecordAnotherRuntimeCompletedIsReadOnceThenKept(Database database) {
        IdempotencyRuntime writer = runtime(new CountingDataSource(), database, null, b -> b);
        CountingDataSource counting = new CountingDataSource();
        IdempotencyRuntime reader = runtime(counting, database, null, b -> b);
        String k = key("other");
        text(writer, k);
        counting.reset();
        assertThat(text(reader, k)).isEqualTo("run 1");
        int firstReplay = counting.statements.get();
        assertThat(firstReplay).as("the claim finds the record: its row says when it expires").isEqualTo(
                database == Database.H2 ? 2 : 1); // H2 in this process: insert if absent, then read (RoundTripsTest)
        counting.reset();
        assertThat(text(reader, k)).isEqualTo("run 1");
        assertThat(counting.statements).hasValue(0);
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void anEntryEndsWhenTheRowSaysItsRecordDoes(Database database) {
        MutableClock clock = new MutableClock(java.time.Instant.now());
        IdempotencyRuntime writer = runtime(new CountingDataSource(), database, clock, b -> b);
        CountingDataSource counting = new CountingDataSource();
        IdempotencyRuntime reader = runtime(counting, database, clock, b -> b);
        String k = key("expiry");
        text(writer, k);                          // recorded for 1 minute
        assertThat(longLived(reader, k)).isEqualTo("run 1"); // the reader's own ttl would be 10
        clock.advance(Duration.ofSeconds(55));
        counting.reset();
        assertThat(longLived(reader, k)).isEqualTo("run 1");
        assertThat(counting.statements).hasValue(0);
        clock.advance(Duration.ofSeconds(6));
        assertThat(longLived(reader, k)).as("the record expired, and its entry with it").isEqualTo("run 2");
    }

    @ParameterizedTest
    @EnumSource(Database.class)
    void zeroTurnsTheNearCacheOff(Database database) {
        CountingDataSource counting = new CountingDataSource();
        IdempotencyRuntime runtime = runtime(counting, database, null, b -> b.nearCacheMaxEntries(0));
        String k = key("off");
        text(runtime, k);
        counting.reset();
        text(runtime, k);
        assertThat(counting.statements.get()).isGreaterThan(0);
    }

    @ParameterizedTest
    @EnumSource(value = Database.class, names = {"POSTGRESQL", "H2"}) // MariaDB's transactional claims: GuardsSuite
    void aRecordCompletedInATransactionThatRolledBackIsNotReplayed(Database database) throws Exception {
        CountingDataSource counting = new CountingDataSource();
        IdempotencyRuntime runtime = runtime(counting, database, null, b -> b);
        String k = key("rollback");
        try (Connection c = Databases.of(database).getConnection()) {
            c.setAutoCommit(false);
            try (var tx = JdbcIdempotency.bind(c)) {
                assertThat(text(runtime, k)).isEqualTo("run 1");
                c.rollback();
            } finally {
                c.setAutoCommit(true);
            }
        }
        assertThat(text(runtime, k)).as("rolled back with the transaction: runs again").isEqualTo("run 2");
    }

    @ParameterizedTest
    @EnumSource(value = Database.class, names = {"POSTGRESQL", "H2"})
    void aRecordReadInsideATransactionIsNotKept(Database database) throws Exception {
        IdempotencyRuntime writer = runtime(new CountingDataSource(), database, null, b -> b);
        CountingDataSource counting = new CountingDataSource();
        IdempotencyRuntime reader = runtime(counting, database, null, b -> b);
        String k = key("in-tx");
        text(writer, k);
        try (Connection c = Databases.of(database).getConnection()) {
            c.setAutoCommit(false);
            try (var tx = JdbcIdempotency.bind(c)) {
                assertThat(text(reader, k)).isEqualTo("run 1");
                c.commit();
            } finally {
                c.setAutoCommit(true);
            }
        }
        counting.reset();
        assertThat(text(reader, k)).isEqualTo("run 1");
        assertThat(counting.statements.get()).as("read again, outside the transaction").isGreaterThan(0);
        counting.reset();
        assertThat(text(reader, k)).isEqualTo("run 1");
        assertThat(counting.statements).hasValue(0);
    }
}
