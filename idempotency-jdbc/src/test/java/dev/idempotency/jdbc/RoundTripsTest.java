package dev.idempotency.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.testkit.fixtures.ConformanceService;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Round trips per call, counted deterministically at the data source: statements executed (and commits), for a first
 * execution (claim, then complete) and for a replay, in autocommit and in transactional mode.
 */
@SuppressWarnings("try") // the binding is held for its scope, not referenced
class RoundTripsTest {

    @AfterEach
    void reset() {
        Idempotency.reset();
    }

    /**
     * H2 in this process (the other tests' in-memory database) replays with two statements: a call there is no round
     * trip, and the one-statement claim would write a row version on every replay.
     */
    @ParameterizedTest(name = "{0}: first call {1}, replay {2}, first call in a transaction {3}")
    @CsvSource({"POSTGRESQL, 2, 1, 2", "MARIADB, 2, 1, 3", "H2, 2, 2, 2"})
    void roundTripsPerCall(Database database, int first, int replay, int firstInTransaction) throws Exception {
        count(database, Databases.of(database), first, replay, firstInTransaction);
    }

    /** H2 over TCP, where each statement is a round trip: a replay is one, as on PostgreSQL and MariaDB. */
    @Test
    void h2OverTcpReplaysInOneRoundTrip() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Server server = Server.createTcpServer("-tcpPort", Integer.toString(port), "-ifNotExists").start();
        try {
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL("jdbc:h2:tcp://127.0.0.1:" + port + "/mem:idemjdbc_tcp;DB_CLOSE_DELAY=-1");
            count(Database.H2, h2, 2, 1, 2);
        } finally {
            server.stop();
        }
    }

    private static void count(Database database, DataSource target, int first, int replay, int firstInTransaction)
            throws Exception {
        CountingDataSource counting = new CountingDataSource();
        DataSource ds = counting.wrap(target);
        JdbcStore store = JdbcStore.builder(ds).database(database).table(Databases.DB_CLOCK_TABLE).createTable(true)
                .purgeInterval(Duration.ZERO).build();
        // the store's own round trips: with the near cache, a replay in this runtime executes none (JdbcNearCacheTest)
        Idempotency.configure(IdempotencyConfig.builder().store(store).nearCacheMaxEntries(0).build());
        store.read("idemjdbc.roundtrips", "first-contact"); // the first contact (table check) comes once, not per call
        ConformanceService service = new ConformanceService();
        String id = "rt-" + UUID.randomUUID();

        counting.reset();
        service.text(id, "v");
        int firstCount = counting.statements.get();
        counting.reset();
        service.text(id, "v");
        int replayCount = counting.statements.get();
        assertThat(counting.transactionEnds).hasValue(0);

        String inTx = "rt-tx-" + UUID.randomUUID();
        int txCount;
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (var tx = JdbcIdempotency.bind(c)) {
                counting.reset();
                service.text(inTx, "v");
                txCount = counting.statements.get();
                c.commit();
            } finally {
                c.setAutoCommit(true);
            }
        }
        System.out.printf("ROUND TRIPS %s (%s): first execution %d, replay %d, first execution in a transaction %d"
                + " (+ the application's commit)%n", database, target.getClass().getSimpleName(), firstCount,
                replayCount, txCount);
        assertThat(firstCount).as("first execution").isEqualTo(first);
        assertThat(replayCount).as("replay").isEqualTo(replay);
        assertThat(txCount).as("first execution in a transaction").isEqualTo(firstInTransaction);
    }
}
