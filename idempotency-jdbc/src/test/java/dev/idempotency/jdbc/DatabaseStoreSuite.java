package dev.idempotency.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.IdempotencyStoreException;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.Outcome;
import dev.idempotency.testkit.MutableClock;
import dev.idempotency.testkit.StoreSuite;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The store contract on one database, plus what only a database store has: takeover reporting, hashed long
 * namespaces, rows that are not the store's own, and the purge. With the database's clock the suite waits in real
 * time on a short lease; with the runtime's clock it moves a test clock.
 */
abstract class DatabaseStoreSuite extends StoreSuite {

    private final Database database;
    private final MutableClock clock;

    DatabaseStoreSuite(Database database, boolean runtimeClock) {
        this.database = database;
        this.clock = runtimeClock ? new MutableClock() : null;
    }

    @Override
    protected IdempotencyStore newStore() {
        return Databases.store(database, clock);
    }

    @Override
    protected void elapse(Duration duration) {
        if (clock != null) {
            clock.advance(duration);
        } else {
            try {
                Thread.sleep(duration.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    protected Duration lease() {
        return clock != null ? Duration.ofSeconds(30) : Duration.ofMillis(1_000);
    }

    private JdbcStore jdbc() {
        return (JdbcStore) store;
    }

    private DataSource dataSource() {
        return Databases.of(database);
    }

    @Test
    void aTakeoverIsReportedAsSuchAndAFreshClaimIsNot() {
        store.claim(namespace, "dead", "holder", "fp", lease());
        elapse(lease().plus(lease().dividedBy(2)));
        assertThat(store.claim(namespace, "dead", "next", "fp", lease())).isEqualTo(ClaimResult.claimed(true));
        assertThat(store.claim(namespace, "fresh", "first", "fp", lease())).isEqualTo(ClaimResult.claimed(false));
    }

    @Test
    void anExpiredCompletedRecordIsClaimedAfreshNotTakenOver() {
        store.claim(namespace, "done", "o1", "fp", lease());
        store.complete(namespace, "done", "o1", Outcome.value("1"), lease());
        elapse(lease().plus(lease().dividedBy(2)));
        assertThat(store.claim(namespace, "done", "o2", "fp-2", lease())).isEqualTo(ClaimResult.claimed(false));
        assertThat(store.read(namespace, "done").fingerprint()).isEqualTo("fp-2");
    }

    @Test
    void longNamespacesAreHashedAndKeptApart() {
        String longNamespace = namespace + ":" + "n".repeat(5_000);
        String otherLong = namespace + ":" + "n".repeat(4_999) + "m";
        assertThat(store.claim(longNamespace, "k", "a", "fp", lease())).isInstanceOf(ClaimResult.Claimed.class);
        assertThat(store.claim(otherLong, "k", "b", "fp", lease())).isInstanceOf(ClaimResult.Claimed.class);
        assertThat(store.read(longNamespace, "k").owner()).isEqualTo("a");
        assertThat(store.read(otherLong, "k").owner()).isEqualTo("b");
        assertThatThrownBy(() -> store.claim("n".repeat(JdbcStore.MAX_NAMESPACE_LENGTH + 1), "k", "c", "fp", lease()))
                .isInstanceOf(IdempotencyStoreException.class).hasMessageContaining("longer than");
    }

    @Test
    void rowsThatAreNotTheStoresOwnAreErrorsNeverRecords() throws SQLException {
        String[][] garbage = {
                // column, value: each makes a completed record unreadable
                {"state", "DONE"},
                {"outcome_kind", "OBJECT"},
                {"outcome_kind", "EXCEPTION"},          // an exception without a type
                {"namespace", "someone.else"},         // another namespace under the same hash
                {"owner", "ghost"},                    // a completed record with an owner
        };
        for (String[] g : garbage) {
            String key = "garbage-" + g[0] + "-" + g[1];
            store.claim(namespace, key, "o", "fp", lease());
            store.complete(namespace, key, "o", Outcome.value("{\"id\":1}"), Duration.ofHours(1));
            try (Connection c = dataSource().getConnection();
                    PreparedStatement ps = c.prepareStatement("UPDATE " + jdbc().table() + " SET " + g[0]
                            + " = ? WHERE key_hash = ?")) {
                ps.setString(1, g[1]);
                ps.setBytes(2, JdbcStore.hash(namespace, key));
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            assertThatThrownBy(() -> store.read(namespace, key)).as(key).isInstanceOf(IdempotencyStoreException.class)
                    .hasMessageContaining("not a record this store wrote").hasMessageContaining(key)
                    .satisfies(e -> assertThat(((IdempotencyStoreException) e).isUnreachable())
                            .as("the database answered: no failOpen").isFalse());
            assertThatThrownBy(() -> store.claim(namespace, key, "o2", "fp", lease())).as(key)
                    .isInstanceOf(IdempotencyStoreException.class).hasMessageContaining("not a record this store wrote");
        }
    }

    @Test
    void thePurgeDeletesExpiredRecordsInBatchesAndKeepsLiveOnes() throws SQLException {
        String table = Databases.PREFIX + "purge_" + database.id() + (clock != null ? "_rt" : "");
        Databases.execute(dataSource(), "DROP TABLE IF EXISTS " + table);
        JdbcStore.Builder builder = JdbcStore.builder(dataSource()).table(table).createTable(true)
                .purgeInterval(Duration.ZERO).purgeBatchSize(7);
        if (clock != null) {
            builder.clock(clock);
        }
        try (JdbcStore purging = builder.build()) {
            String ns = "purge-" + UUID.randomUUID();
            for (int i = 0; i < 40; i++) {
                purging.claim(ns, "short-" + i, "o" + i, "fp", lease());
            }
            purging.claim(ns, "live", "keeper", "fp", Duration.ofHours(1));
            purging.claim(ns, "done", "d", "fp", lease());
            purging.complete(ns, "done", "d", Outcome.value("1"), Duration.ofHours(1));
            elapse(lease().plus(lease().dividedBy(2)));
            assertThat(purging.purgeExpired()).isEqualTo(40);
            assertThat(purging.purgeExpired()).isZero();
            assertThat(purging.read(ns, "live").owner()).isEqualTo("keeper");
            assertThat(purging.read(ns, "done").isCompleted()).isTrue();
            assertThat(purging.claim(ns, "short-1", "again", "fp", lease())).isEqualTo(ClaimResult.claimed(false));
        } finally {
            Databases.execute(dataSource(), "DROP TABLE IF EXISTS " + table);
        }
    }
}
