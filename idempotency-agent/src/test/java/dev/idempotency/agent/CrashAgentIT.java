package dev.idempotency.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.redis.RedisStore;
import dev.idempotency.spi.StoredRecord;
import dev.idempotency.testkit.crash.CrashRun;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash tests through the real agent jar: 3 child JVMs × 4 threads of {@link dev.idempotency.testapp.CrashApp}
 * (an application with only idempotency-api, started with {@code -javaagent:idempotency-agent.jar}) go through every
 * key as retrying clients while the store, a server of the test's own, is killed with SIGKILL and restarted twice.
 * The outage (1–3 s) is far shorter than the lease (20 s), so no key may run twice.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CrashAgentIT {

    static final int JVMS = 3;
    static final int THREADS = 4;
    static final long BODY_MILLIS = 10;
    static final String LEASE = "PT20S";
    static final double[] CRASH_AT = {0.25, 0.6};

    @Test
    void redisKilledAndRestartedTwiceNoKeyRunsTwice(@TempDir Path dir) throws Exception {
        if (!CrashServers.onPath("redis-server")) {
            CrashServers.missing("redis-server (Redis 7) is not on the PATH; this test starts its own on a loopback"
                    + " port: install Redis 7 (e.g. apt-get install redis-server)");
        }
        int keys = 3_000;
        try (CrashServers.DurableRedis redis = new CrashServers.DurableRedis();
                RedisStore store = RedisStore.builder().standalone("127.0.0.1", redis.port).build()) {
            String uri = "redis://127.0.0.1:" + redis.port + "?connectTimeout=300ms&socketTimeout=500ms";
            CrashRun.Figures figures = run(dir, uri, ForkedJvm.applicationClasspath(), keys, new CrashRun.Outage() {
                @Override
                public void crash() throws Exception {
                    redis.kill();
                }

                @Override
                public void recover() throws Exception {
                    redis.start();
                }
            }, n -> {
                List<String> open = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    StoredRecord r = store.read("crash.pay", "k-" + i);
                    if (r == null || !r.isCompleted()) {
                        open.add("k-" + i);
                    }
                }
                return open;
            });
            System.out.println("redis crash (agent): " + figures);
            check(figures, keys);
        }
    }

    @Test
    void postgresKilledAndRestartedTwiceNoKeyRunsTwice(@TempDir Path dir) throws Exception {
        Path bin = CrashServers.Postgres.binaries();
        if (bin == null) {
            CrashServers.missing("the PostgreSQL server binaries (initdb, pg_ctl, psql) are not installed; this test"
                    + " runs a cluster of its own: install the postgresql package");
        }
        Path driver = postgresDriver();
        int keys = 3_000;
        try (CrashServers.Postgres pg = new CrashServers.Postgres(bin)) {
            pg.sql(schema()); // before the children race to create it
            String uri = pg.url() + "&connectTimeout=2&socketTimeout=10&idempotency.connectionTimeout=PT1S"
                    + "&idempotency.poolSize=8&idempotency.purgeInterval=PT0S";
            String classpath = ForkedJvm.applicationClasspath() + File.pathSeparator + driver;
            CrashRun.Figures figures = run(dir, uri, classpath, keys, new CrashRun.Outage() {
                @Override
                public void crash() throws Exception {
                    pg.kill();
                }

                @Override
                public void recover() throws Exception {
                    pg.start();
                }
            }, n -> {
                Set<String> completed;
                try {
                    completed = new HashSet<>(List.of(pg.sql("SELECT idem_key FROM idempotency_records WHERE"
                            + " namespace = 'crash.pay' AND state = 'COMPLETED'").split("\n")));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                List<String> open = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    if (!completed.contains("k-" + i)) {
                        open.add("k-" + i);
                    }
                }
                return open;
            });
            System.out.println("postgres crash (agent, store outside transactions): " + figures);
            check(figures, keys);
        }
    }

    private static CrashRun.Figures run(Path dir, String uri, String classpath, int keys, CrashRun.Outage outage,
                                        CrashRun.Check check) throws Exception {
        List<String> jvmArgs = List.of("-javaagent:" + ForkedJvm.agentJar(), "-Didempotency.store=" + uri,
                "-Didempotency.lease=" + LEASE);
        return CrashRun.run(dir, jvmArgs, classpath, "dev.idempotency.testapp.CrashApp", uri, LEASE, JVMS, THREADS,
                keys, BODY_MILLIS, CRASH_AT, Duration.ofMillis(1_500), outage, check);
    }

    private static void check(CrashRun.Figures figures, int keys) {
        assertThat(figures.twice()).as("keys run more than once; " + figures).isEmpty();
        assertThat(figures.runsPerKey()).as("every key ran").hasSize(keys);
        assertThat(figures.wrongResults()).as("keys whose callers got another result than the run's").isEmpty();
        assertThat(figures.storeErrors()).as("the clients met the outage").isPositive();
    }

    /** The record table, created as the store creates it, from the schema in the agent jar. */
    private static String schema() throws IOException {
        try (InputStream in = CrashAgentIT.class.getResourceAsStream("/dev/idempotency/jdbc/schema/postgresql.sql")) {
            assertThat(in).as("the PostgreSQL schema in the agent jar").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${table_name}", "idempotency_records")
                    .replace("${table}", "idempotency_records").replace("${index}", "idempotency_records_expires_at");
        }
    }

    /**
     * The PostgreSQL driver for the application's classpath (the application brings its driver): the version the
     * build pins ({@code postgresql.version} in the parent pom), from the local Maven repository this build uses.
     */
    private static Path postgresDriver() throws IOException {
        Matcher version = Pattern.compile("<postgresql.version>([^<]+)</postgresql.version>")
                .matcher(Files.readString(ForkedJvm.agentJar().getParent().getParent().resolveSibling("pom.xml")));
        assertThat(version.find()).as("postgresql.version in the parent pom").isTrue();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path jar = Path.of(entry);
            if (jar.getFileName().toString().startsWith("assertj-core-")) {
                // <repository>/org/assertj/assertj-core/<version>/assertj-core-<version>.jar
                Path repository = jar.getParent().getParent().getParent().getParent().getParent();
                Path driver = repository.resolve(Path.of("org", "postgresql", "postgresql", version.group(1),
                        "postgresql-" + version.group(1) + ".jar"));
                if (Files.isRegularFile(driver)) {
                    return driver;
                }
                CrashServers.missing("the PostgreSQL driver is not in the local Maven repository at " + driver
                        + "; build idempotency-jdbc's tests once (they use it)");
            }
        }
        throw new AssertionError("assertj-core is not on the test classpath");
    }
}
