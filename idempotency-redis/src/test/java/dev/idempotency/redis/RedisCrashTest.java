package dev.idempotency.redis;

import dev.idempotency.testkit.crash.CrashRun;
import dev.idempotency.testkit.redis.RedisNode;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Redis of the test's own that keeps what it acknowledged (AOF, {@code appendfsync always}) is killed with SIGKILL
 * and restarted on the same port and dir twice, while 3 JVMs × 4 threads of woven {@link CrashClient}s go through
 * 3,000 keys, each JVM through every key, retrying on 503 and 409. The outage (about 1.5 s) is far shorter than the
 * lease (20 s), so no key may run twice: a call whose outcome the store could not take keeps its claim and records
 * the outcome once the server is back.
 */
@RequiresRedis(servers = true)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RedisCrashTest {

    static final int JVMS = 3;
    static final int THREADS = 4;
    static final int KEYS = 3_000;
    static final long BODY_MILLIS = 10;
    static final String LEASE = "PT20S";
    static final Duration DOWN = Duration.ofMillis(1_500);
    static final double[] CRASH_AT = {0.25, 0.6};

    @Test
    void killedWithSigkillAndRestartedTwiceNoKeyRunsTwice(@TempDir Path dir) throws Exception {
        try (RedisNode node = RedisNode.startDurable(RedisNode.freePorts(7171, 1, false)[0]);
                RedisStore check = RedisStore.builder().standalone("127.0.0.1", node.port).build()) {
            String uri = "redis://127.0.0.1:" + node.port + "?connectTimeout=300ms&socketTimeout=500ms";
            CrashRun.Figures figures = CrashRun.run(dir, List.of(), System.getProperty("java.class.path"),
                    CrashClient.class.getName(), uri, LEASE, JVMS, THREADS, KEYS, BODY_MILLIS, CRASH_AT, DOWN,
                    new CrashRun.Outage() {
                        @Override
                        public void crash() {
                            node.kill();
                        }

                        @Override
                        public void recover() {
                            node.restart();
                        }
                    }, CrashRun.Check.reading(check, "crash.pay"));
            System.out.println("redis crash (woven): " + figures);
            assertThat(figures.twice()).as("keys run more than once; " + figures).isEmpty();
            assertThat(figures.runsPerKey()).as("every key ran").hasSize(KEYS);
            assertThat(figures.wrongResults()).as("keys whose callers got another result than the run's").isEmpty();
            assertThat(figures.storeErrors()).as("the clients met the outage").isPositive();
            assertThat(figures.storeErrorEvents()).as("STORE_ERROR events").isPositive();
        }
    }
}
