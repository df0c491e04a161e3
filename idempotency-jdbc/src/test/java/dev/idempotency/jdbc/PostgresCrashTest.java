package dev.idempotency.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.idempotency.testkit.crash.CrashRun;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PostgreSQL cluster of the test's own is crashed ({@code kill -9} of the postmaster and its processes) and
 * restarted twice while 3 JVMs × 4 threads of woven {@link PostgresCrashClient}s go through every key, retrying on 503
 * and 409. The outage (about 1 s down, then crash recovery) is far shorter than the lease (20 s).
 * <ul>
 * <li>outside transactional mode (the store's own pool), no key may run twice: an outcome the database could not
 *     take keeps its claim and is recorded once the server is back;
 * <li>in transactional mode (each call in a transaction bound with {@link JdbcIdempotency#bind}), a run whose
 *     transaction died with the server leaves nothing, so the effect, one business row per key, is exactly once.
 * </ul>
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PostgresCrashTest {

    static final int JVMS = 3;
    static final int THREADS = 4;
    static final long BODY_MILLIS = 10;
    static final String LEASE = "PT20S";
    static final Duration DOWN = Duration.ofSeconds(1);
    static final double[] CRASH_AT = {0.25, 0.6};

    private Path binaries;

    @BeforeEach
    void binaries() {
        binaries = ThrowawayPostgres.findBinaries();
        if (binaries == null) {
            Databases.unavailable(Database.POSTGRESQL, "this test needs the PostgreSQL server binaries (initdb, pg_ctl)"
                    + " to run a cluster of its own; install the postgresql package");
        }
    }

    @Test
    void outsideTransactionalModeCrashedTwiceNoKeyRunsTwice(@TempDir Path dir) throws Exception {
        int keys = 3_000;
        try (ThrowawayPostgres pg = ThrowawayPostgres.start(binaries)) {
            String uri = pg.url() + "&connectTimeout=2&socketTimeout=10&idempotency.createTable=true"
                    + "&idempotency.connectionTimeout=PT1S&idempotency.poolSize=8&idempotency.purgeInterval=PT0S";
            try (HikariDataSource ds = pool(pg);
                    JdbcStore check = JdbcStore.builder(ds).database(Database.POSTGRESQL).createTable(true).build()) {
                CrashRun.Figures figures = run(dir, pg, "store:" + uri, keys, check);
                System.out.println("postgres crash (woven, store outside transactions): " + figures);
                assertThat(figures.twice()).as("keys run more than once; " + figures).isEmpty();
                assertThat(figures.runsPerKey()).as("every key ran").hasSize(keys);
                assertThat(figures.wrongResults()).as("keys whose callers got another result than the run's")
                        .isEmpty();
                assertThat(figures.storeErrors()).as("the clients met the outage").isPositive();
            }
        }
    }

    @Test
    void inTransactionalModeCrashedTwiceEveryKeyHasOneBusinessRow(@TempDir Path dir) throws Exception {
        int keys = 1_500;
        try (ThrowawayPostgres pg = ThrowawayPostgres.start(binaries)) {
            try (Connection c = DriverManager.getConnection(pg.url()); Statement st = c.createStatement()) {
                st.execute(PostgresCrashClient.BUSINESS_DDL);
            }
            String url = pg.url() + "&connectTimeout=2&socketTimeout=10";
            try (HikariDataSource ds = pool(pg);
                    JdbcStore check = JdbcStore.builder(ds).database(Database.POSTGRESQL).createTable(true).build()) {
                CrashRun.Figures figures = run(dir, pg, "transactional:" + url, keys, check);
                Map<String, Integer> rows = new TreeMap<>();
                Map<String, String> committedBy = new HashMap<>();
                try (Connection c = DriverManager.getConnection(pg.url()); Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT k, jvm FROM crash_payments")) {
                    while (rs.next()) {
                        if (!rs.getString(1).startsWith("warm-up")) {
                            rows.merge(rs.getString(1), 1, Integer::sum);
                            committedBy.put(rs.getString(1), rs.getString(2));
                        }
                    }
                }
                figures = figures.withExecutor(committedBy);
                long rolledBack = figures.runsPerKey().values().stream().mapToInt(Integer::intValue).sum() - keys;
                System.out.println("postgres crash (woven, transactional mode): " + figures + "; business rows for "
                        + rows.size() + " keys, " + rolledBack + " runs rolled back with the crash");
                assertThat(rows).as("business rows per key").hasSize(keys).allSatisfy((k, n) -> assertThat(n)
                        .as(k).isEqualTo(1));
                assertThat(figures.wrongResults()).as("keys whose callers got another result than the committed one")
                        .isEmpty();
                assertThat(figures.storeErrors()).as("the clients met the outage").isPositive();
            }
        }
    }

    private static CrashRun.Figures run(Path dir, ThrowawayPostgres pg, String target, int keys, JdbcStore check)
            throws Exception {
        return CrashRun.run(dir, List.of(), System.getProperty("java.class.path"), PostgresCrashClient.class.getName(),
                target, LEASE, JVMS, THREADS, keys, BODY_MILLIS, CRASH_AT, DOWN, new CrashRun.Outage() {
                    @Override
                    public void crash() throws Exception {
                        pg.killWithSigkill();
                    }

                    @Override
                    public void recover() throws Exception {
                        pg.startServer();
                    }
                }, CrashRun.Check.reading(check, "crash.pay"));
    }

    private static HikariDataSource pool(ThrowawayPostgres pg) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(pg.url());
        config.setMaximumPoolSize(2);
        config.setConnectionTimeout(2_000);
        return new HikariDataSource(config);
    }
}
