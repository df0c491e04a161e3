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
 * A Sentinel failover under load, with {@code durableCompletion=1}: the master is killed with SIGKILL while 3 JVMs ×
 * 4 threads of woven {@link CrashClient}s go through 1,500 keys; the sentinels promote the replica (about 2–3 s,
 * far shorter than the 20 s lease). The old master is then restarted as an operator must (docs/outages.md): with
 * its data (both data nodes keep what they acknowledge: AOF, {@code appendfsync always}) and as a replica of the
 * master the sentinels name, so it never serves, nor is promoted back, as a master that lacks what the new one has.
 * Every completion the clients were told of had reached the replica, so no key runs twice.
 */
@RequiresRedis(servers = true)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RedisSentinelCrashTest {

    @Test
    void masterKilledMidRunWithDurableCompletionNoKeyRunsTwice(@TempDir Path dir) throws Exception {
        int keys = 1_500;
        try (RedisSentinels env = RedisSentinels.start(7181, 26431, "--min-replicas-to-write", "1",
                "--min-replicas-max-lag", "10", "--appendonly", "yes", "--appendfsync", "always");
                RedisStore check = RedisStore.create(env.uri())) {
            String uri = env.uri() + "?durableCompletion=1&durableCompletionTimeout=500ms&connectTimeout=300ms"
                    + "&socketTimeout=1s";
            RedisNode oldMaster = env.master;
            RedisNode newMaster = env.replica;
            CrashRun.Figures figures = CrashRun.run(dir, List.of(), System.getProperty("java.class.path"),
                    CrashClient.class.getName(), uri, "PT20S", 3, 4, keys, 10, new double[] {0.3}, Duration.ZERO,
                    new CrashRun.Outage() {
                        @Override
                        public void crash() {
                            oldMaster.kill();
                        }

                        @Override
                        public void recover() {
                            RedisNode.await("the sentinels to promote the replica", Duration.ofSeconds(30),
                                    () -> env.reportedMasterPort() == newMaster.port);
                            oldMaster.restart("--replicaof", "127.0.0.1", String.valueOf(env.reportedMasterPort()));
                        }
                    }, CrashRun.Check.reading(check, "crash.pay"));
            List<String> failovers = env.events("+switch-master", "+convert-to-slave");
            System.out.println("redis sentinel failover (woven, durableCompletion=1): " + figures);
            failovers.forEach(System.out::println);
            assertThat(figures.twice()).as("keys run more than once; " + figures + "; sentinel events " + failovers)
                    .isEmpty();
            assertThat(figures.runsPerKey()).as("every key ran").hasSize(keys);
            assertThat(figures.wrongResults()).as("keys whose callers got another result than the run's").isEmpty();
            assertThat(figures.storeErrors()).as("the clients met the failover").isPositive();
        }
    }
}
