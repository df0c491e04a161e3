package dev.idempotency.testkit.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Three Redis Cluster masters on loopback ports, without replicas, created with {@code redis-cli --cluster}. */
public final class RedisCluster implements AutoCloseable {

    public final List<RedisNode> nodes = new ArrayList<>();

    public static RedisCluster start(int firstPort) {
        RedisCluster cluster = new RedisCluster();
        try {
            for (int port : RedisNode.freePorts(firstPort, 3, true)) {
                cluster.nodes.add(RedisNode.start(port, "--cluster-enabled", "yes", "--cluster-config-file",
                        "nodes.conf", "--cluster-node-timeout", "2000"));
            }
            List<String> args = new ArrayList<>(List.of("--cluster", "create"));
            cluster.nodes.forEach(n -> args.add("127.0.0.1:" + n.port));
            args.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            String out = RedisNode.cli(args.toArray(new String[0]));
            if (!out.contains("All 16384 slots covered")) {
                throw new IllegalStateException("redis-cli --cluster create failed:\n" + out);
            }
            for (RedisNode node : cluster.nodes) {
                RedisNode.await("cluster_state:ok on " + node.port, Duration.ofSeconds(30), () -> {
                    try (Resp redis = node.resp()) {
                        return String.valueOf(redis.call("CLUSTER", "INFO")).contains("cluster_state:ok");
                    }
                });
            }
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    public String uri() {
        return "redis-cluster://" + nodes.stream().map(n -> "127.0.0.1:" + n.port).collect(Collectors.joining(","));
    }

    @Override
    public void close() {
        nodes.forEach(RedisNode::close);
    }
}
