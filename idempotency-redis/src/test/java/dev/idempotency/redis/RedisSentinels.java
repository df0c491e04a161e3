package dev.idempotency.redis;

import dev.idempotency.testkit.redis.RedisNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import redis.clients.jedis.Jedis;

/**
 * A master, a replica and three sentinels (quorum 2) on loopback ports; the master is declared down after 1 s unless
 * the test says otherwise. Without further arguments the data nodes keep nothing across a restart (see
 * {@link RedisNode}).
 */
final class RedisSentinels implements AutoCloseable {

    static final String MASTER_NAME = "idem-master";

    RedisNode master;
    RedisNode replica;
    final List<RedisNode> sentinels = new ArrayList<>();

    static RedisSentinels start(int firstDataPort, int firstSentinelPort) {
        return start(firstDataPort, firstSentinelPort, new String[0]);
    }

    /** The same, with {@code dataNodeArgs} (e.g. {@code --min-replicas-to-write 1}) for master and replica. */
    static RedisSentinels start(int firstDataPort, int firstSentinelPort, String... dataNodeArgs) {
        return start(firstDataPort, firstSentinelPort, Duration.ofSeconds(1), dataNodeArgs);
    }

    /** The same, with the sentinels' {@code down-after-milliseconds} set to {@code downAfter}. */
    static RedisSentinels start(int firstDataPort, int firstSentinelPort, Duration downAfter,
                                String... dataNodeArgs) {
        RedisSentinels env = new RedisSentinels();
        try {
            int[] data = RedisNode.freePorts(firstDataPort, 2, false);
            env.master = RedisNode.start(data[0], dataNodeArgs);
            List<String> replicaArgs = new ArrayList<>(List.of(dataNodeArgs));
            replicaArgs.addAll(List.of("--replicaof", "127.0.0.1", String.valueOf(data[0])));
            env.replica = RedisNode.start(data[1], replicaArgs.toArray(String[]::new));
            RedisNode.await("the replica to sync", Duration.ofSeconds(30), () -> {
                try (Jedis jedis = SharedRedis.jedis(env.replica)) {
                    return jedis.info("replication").contains("master_link_status:up");
                }
            });
            for (int port : RedisNode.freePorts(firstSentinelPort, 3, false)) {
                env.sentinels.add(RedisNode.sentinel(port,
                        "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + data[0] + " 2",
                        "sentinel down-after-milliseconds " + MASTER_NAME + " " + downAfter.toMillis(),
                        "sentinel failover-timeout " + MASTER_NAME + " 5000",
                        "sentinel parallel-syncs " + MASTER_NAME + " 1"));
            }
            for (RedisNode sentinel : env.sentinels) {
                RedisNode.await("sentinel " + sentinel.port + " to see the replica and the other sentinels",
                        Duration.ofSeconds(30), () -> {
                            try (Jedis jedis = SharedRedis.jedis(sentinel)) {
                                Map<String, String> m = jedis.sentinelMaster(MASTER_NAME);
                                return "2".equals(m.get("num-other-sentinels")) && "1".equals(m.get("num-slaves"));
                            }
                        });
            }
            return env;
        } catch (RuntimeException | Error e) {
            env.close();
            throw e;
        }
    }

    String uri() {
        return "redis-sentinel://" + sentinels.stream().map(n -> "127.0.0.1:" + n.port)
                .collect(Collectors.joining(",")) + "/" + MASTER_NAME;
    }

    /** The master's port as the first sentinel reports it now. */
    int reportedMasterPort() {
        try (Jedis jedis = SharedRedis.jedis(sentinels.get(0))) {
            return Integer.parseInt(jedis.sentinelGetMasterAddrByName(MASTER_NAME).get(1));
        }
    }

    /**
     * The lines of every sentinel's log that contain one of {@code events} (e.g. {@code +switch-master}), in time
     * order: what the sentinels did, for a test's report.
     */
    List<String> events(String... events) {
        List<String> lines = new ArrayList<>();
        for (RedisNode sentinel : sentinels) {
            for (String line : sentinel.logLines(events)) {
                lines.add("sentinel " + sentinel.port + ": " + line);
            }
        }
        // "pid:X 03 Dec 2026 12:59:08.804 # …": order by the time of day
        lines.sort(java.util.Comparator.comparing((String l) -> l.replaceFirst("^[^:]*: *\\d+:X \\d+ \\w+ \\d+ ", "")));
        return lines;
    }

    @Override
    public void close() {
        sentinels.forEach(RedisNode::close);
        if (replica != null) {
            replica.close();
        }
        if (master != null) {
            master.close();
        }
    }
}
