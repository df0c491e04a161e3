package dev.idempotency.redis;

import java.time.Duration;
import java.util.List;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.UnifiedJedis;

/**
 * What a {@link RedisStore.Builder} was told, checked and frozen: the store and its connection read their settings
 * from here, never from the builder, which the caller may go on changing.
 *
 * @param mode     the topology, {@code null} when {@code client} is given
 * @param client   the application's own client, which the store never closes; {@code null} when the store opens its
 *                 own from {@code mode} and {@code nodes}
 */
record RedisSettings(Mode mode, List<HostAndPort> nodes, String masterName, UnifiedJedis client, String user,
                     String password, String sentinelUser, String sentinelPassword, int database, boolean ssl,
                     String keyPrefix, Duration connectTimeout, Duration socketTimeout, int poolSize,
                     Duration poolTimeout, String clientName, int durableReplicas, Duration durableTimeout,
                     boolean claimByScript) {

    enum Mode { STANDALONE, SENTINEL, CLUSTER }

    RedisSettings {
        nodes = List.copyOf(nodes);
    }

    /** Whether the store opens (and so closes) its own client. */
    boolean ownsClient() {
        return client == null;
    }

    /** The nodes as {@code host:port}, for tests. */
    List<String> nodeNames() {
        return nodes.stream().map(HostAndPort::toString).toList();
    }

    /** The server as messages name it: a URI without password or query (but with the options that pick the data). */
    String describeServer() {
        if (client != null) {
            return "application client " + client.getClass().getSimpleName();
        }
        StringBuilder sb = new StringBuilder(switch (mode) {
            case STANDALONE -> ssl ? RedisUris.REDISS : RedisUris.REDIS;
            case SENTINEL -> RedisUris.SENTINEL;
            case CLUSTER -> RedisUris.CLUSTER;
        });
        if (user != null || password != null) {
            sb.append(user != null ? user : "").append(password != null ? ":***" : "").append('@');
        }
        for (int i = 0; i < nodes.size(); i++) {
            HostAndPort hp = nodes.get(i);
            sb.append(i == 0 ? "" : ",").append(hp.getHost().indexOf(':') >= 0 ? "[" + hp.getHost() + "]"
                    : hp.getHost()).append(':').append(hp.getPort());
        }
        if (mode == Mode.SENTINEL) {
            sb.append('/').append(masterName);
        }
        if (database != 0) {
            sb.append(mode == Mode.STANDALONE ? "/" : "?database=").append(database);
        }
        if (ssl && mode != Mode.STANDALONE) {
            sb.append(database != 0 ? "&" : "?").append("ssl=true");
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        // a record's toString would print the passwords
        return "RedisSettings[" + describeServer() + ", keyPrefix '" + keyPrefix + "']";
    }
}
