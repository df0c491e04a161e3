package dev.idempotency.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import redis.clients.jedis.BuilderFactory;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * The store's way to its Redis, whatever the topology: creates the Jedis client (or takes the application's), learns
 * the server version and loads the scripts, all on first use, and closes what it created.
 *
 * <p>Nothing here touches the network before the first call of {@link #connected()}. That call connects once; calls
 * arriving meanwhile wait for the same attempt and share its outcome, rather than queueing up attempts of their own.
 * An attempt that fails leaves nothing behind (a client it created is closed again), so the next call tries anew;
 * each attempt is bounded by the connect and socket timeouts. After {@link #close()}, every call gets an
 * {@link IllegalStateException}.
 */
final class RedisConnection implements AutoCloseable {

    /** A client that answered, with what the store learned from it when it connected. */
    static final class Connected {
        final UnifiedJedis client;
        /** The lowest {@code redis_version} among the servers, e.g. {@code 7.0.15}. */
        final String version;
        /** Whether durable completion can use {@code WAITAOF} (7.2+) rather than {@code WAIT}. */
        final boolean waitAof;
        /** Whether claims use {@code SET … NX GET} (7.0+); turned off for good if a server refuses it. */
        volatile boolean claimBySetGet;

        Connected(UnifiedJedis client, String version, boolean claimBySetGet) {
            this.client = client;
            this.version = version;
            this.waitAof = atLeast(version, 7, 2);
            this.claimBySetGet = claimBySetGet;
        }
    }

    private final RedisSettings settings;
    private final String server;
    private final Object lock = new Object();
    private volatile Connected connected;
    private volatile boolean closed;
    /** The attempt to connect under way, if any; guarded by {@link #lock}. */
    private CompletableFuture<Connected> attempt;

    RedisConnection(RedisSettings settings) {
        this.settings = settings;
        this.server = settings.describeServer();
    }

    /** The server as messages name it, without password. */
    String server() {
        return server;
    }

    /** The server, and for Sentinel the master it currently follows, if known without a round trip to start with. */
    String currentServer() {
        Connected c = connected;
        if (c != null && c.client instanceof RedisSentinelClient sentinel) {
            try {
                return server + " (master " + sentinel.getCurrentMaster() + ")";
            } catch (RuntimeException e) {
                return server;
            }
        }
        return server;
    }

    /** The connected client; connects first if need be. Throws what connecting threw, or if closed. */
    Connected connected() {
        Connected c = connected;
        if (c != null && !closed) {
            return c;
        }
        return connectOrJoin();
    }

    /** What the store learned when it connected, or {@code null} before that; never connects. */
    Connected ifConnected() {
        return connected;
    }

    boolean isClosed() {
        return closed;
    }

    /** What a call after {@link #close()} is told. */
    String closedMessage() {
        return "the Redis store on " + server + " is closed";
    }

    IllegalStateException closedError() {
        return new IllegalStateException(closedMessage());
    }

    private Connected connectOrJoin() {
        CompletableFuture<Connected> mine = null;
        CompletableFuture<Connected> theirs;
        synchronized (lock) {
            if (closed) {
                throw closedError();
            }
            if (connected != null) {
                return connected;
            }
            theirs = attempt;
            if (theirs == null) {
                mine = attempt = new CompletableFuture<>();
            }
        }
        if (mine == null) {
            try {
                return theirs.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw e;
            }
        }
        Connected c;
        try {
            c = connect();
        } catch (RuntimeException | Error e) {
            synchronized (lock) {
                attempt = null;
            }
            mine.completeExceptionally(e);
            throw e;
        }
        boolean closedMeanwhile;
        synchronized (lock) {
            attempt = null;
            closedMeanwhile = closed;
            if (!closedMeanwhile) {
                connected = c;
            }
        }
        if (closedMeanwhile) {
            if (settings.ownsClient()) {
                closeQuietly(c.client);
            }
            IllegalStateException e = closedError();
            mine.completeExceptionally(e);
            throw e;
        }
        mine.complete(c);
        return c;
    }

    private Connected connect() {
        UnifiedJedis client = settings.ownsClient() ? open(settings) : settings.client();
        try {
            String version = lowestServerVersion(client);
            if (settings.durableReplicas() > 0 && !settings.ownsClient() && !(client instanceof RedisClusterClient)) {
                DurableCompletion.checkPipelinesOnOneConnection(client);
            }
            LuaScript.loadAll(client);
            return new Connected(client, version, !settings.claimByScript() && atLeast(version, 7, 0));
        } catch (RuntimeException | Error e) {
            if (settings.ownsClient()) {
                closeQuietly(client);
            }
            throw e;
        }
    }

    /**
     * Closes the client the store created, with its pools and (Sentinel) listener threads; an application's client is
     * left open. Idempotent.
     */
    @Override
    public void close() {
        Connected c;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            c = connected;
        }
        // an attempt under way sees the flag when it ends and closes what it opened
        if (c != null && settings.ownsClient()) {
            c.client.close();
        }
    }

    private static UnifiedJedis open(RedisSettings s) {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(s.poolSize());
        pool.setMaxIdle(s.poolSize());
        pool.setMinIdle(0);
        pool.setMaxWait(s.poolTimeout());
        pool.setBlockWhenExhausted(true);
        pool.setJmxEnabled(false);
        // TLS verifies the server's certificate chain and host name (the JVM's trust store)
        SslOptions tls = s.ssl() ? SslOptions.defaults() : null;
        DefaultJedisClientConfig data = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(intMillis(s.connectTimeout()))
                .socketTimeoutMillis(intMillis(s.socketTimeout()))
                .user(s.user())
                .password(s.password())
                .database(s.database())
                .clientName(s.clientName())
                .sslOptions(tls)
                .build();
        switch (s.mode()) {
            case STANDALONE:
                return RedisClient.builder().hostAndPort(s.nodes().get(0)).clientConfig(data).poolConfig(pool).build();
            case SENTINEL:
                DefaultJedisClientConfig sentinels = DefaultJedisClientConfig.builder()
                        .connectionTimeoutMillis(intMillis(s.connectTimeout()))
                        .socketTimeoutMillis(intMillis(s.socketTimeout()))
                        .user(s.sentinelUser())
                        .password(s.sentinelPassword())
                        .clientName(s.clientName())
                        .sslOptions(tls)
                        .build();
                return RedisSentinelClient.builder().masterName(s.masterName())
                        .sentinels(new LinkedHashSet<>(s.nodes())).clientConfig(data).sentinelClientConfig(sentinels)
                        .poolConfig(pool).build();
            case CLUSTER:
                return RedisClusterClient.builder().nodes(new LinkedHashSet<>(s.nodes())).clientConfig(data)
                        .poolConfig(pool).build();
            default:
                throw new IllegalStateException(String.valueOf(s.mode()));
        }
    }

    /** The lowest {@code redis_version} among the servers (each master and replica of a cluster that answers). */
    private static String lowestServerVersion(UnifiedJedis client) {
        List<String> infos = new ArrayList<>();
        if (client instanceof RedisClusterClient cluster) {
            RuntimeException last = null;
            for (ConnectionPool pool : cluster.getClusterNodes().values()) {
                try (Connection c = pool.getResource()) {
                    infos.add(c.executeCommand(new CommandObject<>(
                            new CommandArguments(Protocol.Command.INFO).add("server"), BuilderFactory.STRING)));
                } catch (RuntimeException e) {
                    last = e; // a node that is down serves nothing; the others tell the version
                }
            }
            if (infos.isEmpty()) {
                throw last != null ? last : new JedisConnectionException("no cluster node is known");
            }
        } else {
            infos.add(client.info("server"));
        }
        String lowest = null;
        for (String info : infos) {
            String version = "0.0.0";
            for (String line : info.split("\r?\n")) {
                if (line.startsWith("redis_version:")) {
                    version = line.substring("redis_version:".length()).trim();
                }
            }
            if (lowest == null || !atLeast(version, versionPart(lowest, 0), versionPart(lowest, 1))) {
                lowest = version;
            }
        }
        return lowest;
    }

    static boolean atLeast(String version, int major, int minor) {
        int ma = versionPart(version, 0);
        return ma > major || (ma == major && versionPart(version, 1) >= minor);
    }

    private static int versionPart(String version, int index) {
        String[] parts = version.split("\\.");
        try {
            return index < parts.length ? Integer.parseInt(parts[index].replaceAll("\\D.*", "")) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static int intMillis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }

    private static void closeQuietly(UnifiedJedis client) {
        try {
            client.close();
        } catch (RuntimeException e) {
            // closing after a failed attempt: the attempt's error is the one to report
        }
    }
}
