package dev.idempotency.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.core.IdempotencyRuntime;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A new store's first calls, each inside a transaction that holds one of the pool's connections, as many of them as
 * the pool has connections: the store's first contact with the database (its table check) runs on the calling
 * transaction's connection, so none of them waits for a connection that no one will give back. Before, each first
 * call waited out the pool's connection timeout. (Not on MariaDB, whose claims in a transaction look at the record
 * outside it first, on a pooled connection of their own, by design: see InnoDbClaims.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FirstContactInTransactionsTest {

    private static final int POOL = 4;

    @ParameterizedTest
    @EnumSource(value = Database.class, names = {"POSTGRESQL", "H2"})
    void asManyFirstCallsInTransactionsAsThePoolHasConnectionsAllGoThrough(Database database) throws Exception {
        // the table is there, as it is once an application has been deployed (creating it takes a connection of its own)
        try (JdbcStore creator = JdbcStore.builder(Databases.of(database)).database(database)
                .table(Databases.DB_CLOCK_TABLE).createTable(true).purgeInterval(Duration.ZERO).build()) {
            creator.read("idemjdbc.first-contact", "none");
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(Databases.url(database));
        config.setMaximumPoolSize(POOL);
        config.setConnectionTimeout(5_000);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            JdbcStore store = JdbcStore.builder(pool).database(database).table(Databases.DB_CLOCK_TABLE)
                    .purgeInterval(Duration.ZERO).build();
            try (IdempotencyRuntime runtime = IdempotencyRuntime.create(IdempotencyConfig.builder().store(store).build())) {
                CyclicBarrier allHoldAConnection = new CyclicBarrier(POOL);
                AtomicInteger runs = new AtomicInteger();
                ExecutorService threads = Executors.newFixedThreadPool(POOL);
                try {
                    List<Future<String>> calls = new ArrayList<>();
                    long started = System.nanoTime();
                    for (int i = 0; i < POOL; i++) {
                        String key = "first-" + UUID.randomUUID();
                        calls.add(threads.submit(() -> {
                            try (Connection c = pool.getConnection()) {
                                c.setAutoCommit(false);
                                allHoldAConnection.await(10, TimeUnit.SECONDS);
                                String result;
                                try (var tx = JdbcIdempotency.bind(c)) {
                                    result = runtime.call("idemjdbc.first-contact", key, String.class).payload(key)
                                            .call(() -> "ran " + runs.incrementAndGet());
                                }
                                c.commit();
                                return result;
                            }
                        }));
                    }
                    for (Future<String> call : calls) {
                        assertThat(call.get(30, TimeUnit.SECONDS)).startsWith("ran ");
                    }
                    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                    assertThat(runs).hasValue(POOL);
                    assertThat(millis).as("no call waited for the pool's 5 s connection timeout").isLessThan(4_000);
                } finally {
                    threads.shutdownNow();
                }
            }
        }
    }
}
