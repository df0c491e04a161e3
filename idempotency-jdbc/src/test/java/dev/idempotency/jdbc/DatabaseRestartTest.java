package dev.idempotency.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.IdempotencyStoreException;
import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.testkit.fixtures.ConformanceService;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The database goes down mid-run and comes back: calls fail closed (IdempotencyStoreException, the method does not
 * run) while it is down, and go on afterwards with the same store, which was never recreated. The server is a
 * throwaway cluster of this test's own; the shared one is never stopped.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DatabaseRestartTest {

    @AfterEach
    void reset() {
        Idempotency.reset();
    }

    @Test
    void callsFailClosedWhileTheDatabaseIsDownAndResumeWithTheSameStore() throws Exception {
        Path binaries = ThrowawayPostgres.findBinaries();
        if (binaries == null) {
            Databases.unavailable(Database.POSTGRESQL, "this test needs the PostgreSQL server binaries (initdb, pg_ctl)"
                    + " to run a cluster of its own; install the postgresql package");
        }
        try (ThrowawayPostgres pg = ThrowawayPostgres.start(binaries)) {
            Idempotency.configure(IdempotencyConfig.builder().storeUri(pg.url() + "&idempotency.createTable=true"
                    + "&idempotency.connectionTimeout=PT1S&idempotency.poolSize=4").build());
            IdempotencyStore storeBefore = Idempotency.runtime().store();
            assertThat(storeBefore).isInstanceOf(JdbcStore.class);
            ConformanceService service = new ConformanceService();
            String before = "restart-" + UUID.randomUUID();
            assertThat(service.text(before, "v")).isEqualTo("v#1");

            pg.crash();
            String during = "restart-" + UUID.randomUUID();
            assertThatThrownBy(() -> service.text(during, "v")).isInstanceOf(IdempotencyStoreException.class)
                    .hasMessageContaining(during)
                    .satisfies(e -> assertThat(((IdempotencyStoreException) e).isUnreachable())
                            .as("a crashed database is unreachable: %s", e).isTrue());
            assertThat(service.text(before, "v")).as("a record this process holds in its near cache replays"
                    + " without the store").isEqualTo("v#1");
            assertThat(service.runs("text")).as("nothing ran while the store was down").isEqualTo(1);

            pg.startServer();
            String after = null;
            // the pool drops the connections the crash broke as it meets them: a few calls may still fail closed
            for (int attempt = 0; attempt < 40 && after == null; attempt++) {
                try {
                    after = service.text(during, "v");
                } catch (IdempotencyStoreException e) {
                    Thread.sleep(250);
                }
            }
            assertThat(after).isEqualTo("v#2");
            assertThat(service.text(before, "v")).as("the record from before the crash replays").isEqualTo("v#1");
            assertThat(service.text(during, "v")).isEqualTo("v#2");
            assertThat(service.runs("text")).isEqualTo(2);
            assertThat(Idempotency.runtime().store()).as("the same store throughout").isSameAs(storeBefore);
        }
    }
}
