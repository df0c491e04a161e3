package dev.idempotency.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.IdempotencyStoreException;
import dev.idempotency.spi.IdempotencyStore;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A pool that is merely exhausted (every connection busy, the database answering) is not "unreachable": failOpen must
 * not run methods unprotected under load.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BusyPoolTest {

    @Test
    void anExhaustedPoolIsNotUnreachable() throws Exception {
        String table = Databases.PREFIX + "busy_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String url = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&idempotency.poolSize=1"
                + "&idempotency.connectionTimeout=PT0.3S&idempotency.createTable=true&idempotency.purgeInterval=PT0S"
                + "&idempotency.table=" + table;
        try (IdempotencyStore store = new JdbcStoreProvider().create(url, Clock.systemUTC())) {
            // the database is up and answers; the store connects on first use, and a JVM's first connect (driver
            // classes loaded, the session set up) may take longer than this pool's 300 ms
            for (int attempt = 1; ; attempt++) {
                try {
                    store.claim("rev.ns", "warm", "o", "fp", Duration.ofSeconds(30));
                    break;
                } catch (IdempotencyStoreException e) {
                    if (attempt == 20) {
                        throw e;
                    }
                }
            }
            java.lang.reflect.Field f = JdbcStore.class.getDeclaredField("dataSource");
            f.setAccessible(true);
            javax.sql.DataSource pool = (javax.sql.DataSource) f.get(store);
            try (Connection busy = pool.getConnection()) { // the one connection is in use (a slow call, a burst)
                assertThatThrownBy(() -> store.claim("rev.ns", "k1", "o", "fp", Duration.ofSeconds(30)))
                        .isInstanceOf(IdempotencyStoreException.class)
                        .satisfies(e -> assertThat(((IdempotencyStoreException) e).isUnreachable())
                                .as("the database answered a moment ago; only the pool is busy: %s", e).isFalse());
            } finally {
                try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
                    st.execute("DROP TABLE IF EXISTS " + table);
                }
            }
        }
    }
}
