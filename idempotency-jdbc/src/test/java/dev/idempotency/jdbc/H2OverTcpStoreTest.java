package dev.idempotency.jdbc;

import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.testkit.MutableClock;
import dev.idempotency.testkit.StoreSuite;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.time.Duration;
import org.h2.jdbcx.JdbcDataSource;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract on H2 over TCP, where a claim inserts or reads in one statement ({@code SELECT … FROM FINAL TABLE
 * (MERGE …)}) instead of the two that H2 in this process uses (on the runtime's clock, so that nothing sleeps).
 */
class H2OverTcpStoreTest extends StoreSuite {

    private static Server server;
    private static JdbcDataSource dataSource;
    private final MutableClock clock = new MutableClock();

    @BeforeAll
    static void startServer() throws SQLException, IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        server = Server.createTcpServer("-tcpPort", Integer.toString(port), "-ifNotExists").start();
        dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:tcp://127.0.0.1:" + port + "/mem:idemjdbc_tcp_suite;DB_CLOSE_DELAY=-1");
    }

    @AfterAll
    static void stopServer() {
        server.stop();
    }

    @Override
    protected IdempotencyStore newStore() {
        return JdbcStore.builder(dataSource).database(Database.H2).createTable(true).purgeInterval(Duration.ZERO)
                .table(Databases.RUNTIME_CLOCK_TABLE).clock(clock).build();
    }

    @Override
    protected void elapse(Duration duration) {
        clock.advance(duration);
    }

    @Override
    protected Duration lease() {
        return Duration.ofSeconds(30);
    }
}
