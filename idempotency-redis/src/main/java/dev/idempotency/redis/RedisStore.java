package dev.idempotency.redis;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.IdempotencyException;
import dev.idempotency.IdempotencyStoreException;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.Outcome;
import dev.idempotency.spi.StoredRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import redis.clients.jedis.BuilderFactory;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.util.JedisClusterCRC16;
import redis.clients.jedis.util.KeyValue;

/**
 * The Redis store, on one server, behind Sentinel, or on a Cluster, through Jedis's pooled clients
 * ({@link RedisClient}, {@link RedisSentinelClient}, {@link RedisClusterClient}).
 *
 * <pre>{@code
 * Idempotency.configure(IdempotencyConfig.builder()
 *         .store(RedisStore.builder().uri("redis://app:secret@127.0.0.1:6379/0").keyPrefix("billing:").build())
 *         .build());
 * }</pre>
 *
 * <p>Round trips: a first execution takes two commands (claim, complete), a replay one (claim), a WAIT poll one
 * ({@code GET}). The claim is {@code SET key value NX PX lease GET} on Redis 7.0 and later, which claims a free key
 * or returns the record that is there, atomically; before 7.0, a script does the same. Complete, release and renew are
 * scripts that act only while the record is still the caller's claim. Every key is written with its expiry in the
 * same command ({@code SET … PX}, {@code PEXPIRE}), so no crash leaves a key without one. See {@link KeyLayout} for
 * the key layout and {@link RecordCodec} for the value format.
 *
 * <p>Failures (unreachable or slow server, a value that is not a record of this library, a key of another Redis
 * type) are {@link IdempotencyStoreException}s naming the key and the server, never its password. The pool
 * reconnects by itself when the server is back.
 */
public final class RedisStore implements IdempotencyStore {

    public static final String DEFAULT_KEY_PREFIX = "idem:";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(2);
    public static final int DEFAULT_POOL_SIZE = 16;
    public static final Duration DEFAULT_POOL_TIMEOUT = Duration.ofSeconds(2);
    public static final String DEFAULT_CLIENT_NAME = "idempotency";
    /** How long a durable completion waits for its replicas, unless told otherwise. */
    public static final Duration DEFAULT_DURABLE_COMPLETION_TIMEOUT = Duration.ofSeconds(1);

    private static final System.Logger LOG = System.getLogger("dev.idempotency.redis");
    private static final long MAX_EXPIRY_MILLIS = Duration.ofDays(365L * 100).toMillis();
    private static final long SHORT_REPORT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final UnifiedJedis client;
    private final boolean ownsClient;
    private final KeyLayout keys;
    private final String server;
    private final String serverVersion;
    private volatile boolean claimBySetGet;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final int durableReplicas;
    private final long durableTimeoutMillis;
    private final boolean durableByWaitAof;
    private final LongAdder shortOfReplicas = new LongAdder();
    private final AtomicLong shortReportedAt = new AtomicLong(System.nanoTime() - SHORT_REPORT_EVERY_NANOS);
    private final AtomicLong shortSinceReport = new AtomicLong();

    private RedisStore(Builder b) {
        this.keys = new KeyLayout(b.keyPrefix);
        this.server = b.describeServer();
        this.ownsClient = b.client == null;
        UnifiedJedis opened = null;
        try {
            opened = ownsClient ? open(b) : b.client;
            this.serverVersion = lowestServerVersion(opened);
            this.claimBySetGet = !b.claimByScript && atLeast(serverVersion, 7, 0);
            this.durableReplicas = b.durableReplicas;
            this.durableTimeoutMillis = b.durableTimeout.toMillis();
            this.durableByWaitAof = atLeast(serverVersion, 7, 2);
            if (durableReplicas > 0 && !ownsClient && !(opened instanceof RedisClusterClient)) {
                checkPipelinesOnOneConnection(opened);
            }
            loadScripts(opened);
        } catch (RuntimeException e) {
            if (ownsClient && opened != null) {
                closeQuietly(opened);
            }
            if (e instanceof IdempotencyException) {
                throw e;
            }
            throw new IdempotencyStoreException("cannot start the Redis store on " + server + ": " + reason(e),
                    null, null, e, unreachable(e));
        }
        this.client = opened;
    }

    /** A store for a URI, as {@code -Didempotency.store=…} would make it; see {@link Builder#uri}. */
    public static RedisStore create(String uri) {
        return builder().uri(uri).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---- the SPI ----

    @Override
    public ClaimResult claim(String namespace, String key, String owner, String fingerprint, Duration lease) {
        byte[] redisKey = keys.key(namespace, key);
        byte[] value = RecordCodec.inProgress(owner, fingerprint);
        long px = millis("lease", lease);
        byte[] found;
        try {
            found = claimOrRead(redisKey, value, px);
        } catch (RuntimeException e) {
            throw failure("claim", namespace, key, redisKey, e);
        }
        return found == null ? ClaimResult.CLAIMED : ClaimResult.found(decode(found, namespace, key, redisKey));
    }

    private byte[] claimOrRead(byte[] redisKey, byte[] value, long px) {
        if (claimBySetGet) {
            try {
                return client.setGet(redisKey, value, SetParams.setParams().nx().px(px));
            } catch (JedisDataException e) {
                if (!String.valueOf(e.getMessage()).startsWith("ERR syntax error")) {
                    throw e;
                }
                // a server older than 7.0 (e.g. a replica promoted during an upgrade): use the script from now on
                claimBySetGet = false;
                LOG.log(System.Logger.Level.WARNING, "idempotency: Redis " + server + " refused SET … NX GET;"
                        + " claims use a script from now on");
            }
        }
        Object reply = LuaScript.CLAIM.run(client, redisKey, List.of(value, number(px)));
        if (reply == null || reply instanceof byte[]) {
            return (byte[]) reply;
        }
        throw new JedisDataException("unexpected reply to the claim script: " + reply);
    }

    @Override
    public boolean complete(String namespace, String key, String owner, Outcome outcome, Duration ttl) {
        byte[] redisKey = keys.key(namespace, key);
        List<byte[]> args = List.of(RecordCodec.ownerPrefix(owner), RecordCodec.COMPLETED,
                RecordCodec.outcomeTail(outcome), number(millis("ttl", ttl)));
        if (durableReplicas > 0) {
            return completeDurably(namespace, key, redisKey, args);
        }
        return script(LuaScript.COMPLETE, "complete", namespace, key, redisKey, args);
    }

    /**
     * The complete script, then {@code WAITAOF 0 N timeout} (Redis 7.2+: N replicas have the record in their AOF) or
     * {@code WAIT N timeout} (N replicas have received it), pipelined on one connection, since both wait for the
     * writes of their own connection. The caller gets its result only after that, so a failover that promotes an
     * acknowledging replica keeps the record. Fewer acknowledgements in time leave the record on the master only:
     * still recorded (the method never runs twice because of it), reported as a warning and counted
     * ({@link #completionsShortOfReplicas}).
     */
    private boolean completeDurably(String namespace, String key, byte[] redisKey, List<byte[]> args) {
        Object reply;
        long acknowledged;
        try (Pipeline pipeline = pipelineFor(redisKey)) {
            Response<Object> completed = pipeline.evalsha(LuaScript.COMPLETE.shaBytes, List.of(redisKey), args);
            Response<?> waited = waitForReplicas(pipeline);
            pipeline.sync();
            try {
                reply = completed.get();
            } catch (JedisNoScriptException e) {
                completed = pipeline.eval(LuaScript.COMPLETE.sourceBytes, List.of(redisKey), args);
                waited = waitForReplicas(pipeline);
                pipeline.sync();
                reply = completed.get();
            }
            acknowledged = waited.get() instanceof KeyValue<?, ?> aof ? (Long) aof.getValue() : (Long) waited.get();
        } catch (RuntimeException e) {
            throw failure("complete", namespace, key, redisKey, e);
        }
        if (!(reply instanceof Long n && (n == 0 || n == 1))) {
            throw new IdempotencyStoreException("Redis " + server + " answered the complete of key '" + key
                    + "' (namespace " + namespace + ", Redis key '" + text(redisKey) + "') with " + reply
                    + " instead of 0 or 1", namespace, key);
        }
        if (n == 1 && acknowledged < durableReplicas) {
            shortOfReplicas(namespace, key, acknowledged);
        }
        return n == 1;
    }

    private Response<?> waitForReplicas(Pipeline pipeline) {
        return durableByWaitAof ? pipeline.waitAOF(0, durableReplicas, durableTimeoutMillis)
                : pipeline.waitReplicas(durableReplicas, durableTimeoutMillis);
    }

    /** Durable completion pipelines the wait with the write on one connection: an application's client must too. */
    private static void checkPipelinesOnOneConnection(UnifiedJedis client) {
        try (AutoCloseable pipeline = client.pipelined()) {
            if (!(pipeline instanceof Pipeline)) {
                throw new IdempotencyConfigurationException("durableCompletion needs a client whose pipelines run on"
                        + " one connection (a standalone or Sentinel client, or the store's own cluster client), but"
                        + " the application's " + client.getClass().getSimpleName() + " gives a "
                        + pipeline.getClass().getSimpleName(), null, null);
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A pipeline on one connection to the master that holds the key. */
    private Pipeline pipelineFor(byte[] redisKey) {
        if (client instanceof RedisClusterClient cluster) {
            return new Pipeline(cluster.getConnectionFromSlot(JedisClusterCRC16.getSlot(redisKey)), true);
        }
        return (Pipeline) client.pipelined();
    }

    private void shortOfReplicas(String namespace, String key, long acknowledged) {
        shortOfReplicas.increment();
        shortSinceReport.incrementAndGet();
        long now = System.nanoTime();
        long last = shortReportedAt.get();
        if (now - last >= SHORT_REPORT_EVERY_NANOS && shortReportedAt.compareAndSet(last, now)) {
            LOG.log(System.Logger.Level.WARNING, "idempotency: key '" + key + "' (namespace " + namespace
                    + ") is recorded on the master of " + currentServer() + ", but only " + acknowledged + " of "
                    + durableReplicas + " replicas acknowledged it within " + durableTimeoutMillis + " ms ("
                    + shortSinceReport.getAndSet(0) + " completions short of their replicas since the last report);"
                    + " a failover before they catch up can lose such a record, and its key can then run again");
        }
    }

    /**
     * Completions recorded on the master that fewer than {@code durableCompletion} replicas acknowledged in time,
     * since the store started; 0 when the option is off. For a metric or an alert.
     */
    public long completionsShortOfReplicas() {
        return shortOfReplicas.sum();
    }

    @Override
    public boolean release(String namespace, String key, String owner) {
        byte[] redisKey = keys.key(namespace, key);
        return script(LuaScript.RELEASE, "release", namespace, key, redisKey, List.of(RecordCodec.ownerPrefix(owner)));
    }

    @Override
    public boolean renew(String namespace, String key, String owner, Duration lease) {
        byte[] redisKey = keys.key(namespace, key);
        List<byte[]> args = List.of(RecordCodec.ownerPrefix(owner), number(millis("lease", lease)));
        return script(LuaScript.RENEW, "renew", namespace, key, redisKey, args);
    }

    @Override
    public StoredRecord read(String namespace, String key) {
        byte[] redisKey = keys.key(namespace, key);
        byte[] value;
        try {
            value = client.get(redisKey);
        } catch (RuntimeException e) {
            throw failure("read", namespace, key, redisKey, e);
        }
        return value == null ? null : decode(value, namespace, key, redisKey);
    }

    private boolean script(LuaScript script, String operation, String namespace, String key, byte[] redisKey,
                           List<byte[]> args) {
        Object reply;
        try {
            reply = script.run(client, redisKey, args);
        } catch (RuntimeException e) {
            throw failure(operation, namespace, key, redisKey, e);
        }
        if (reply instanceof Long n && (n == 0 || n == 1)) {
            return n == 1;
        }
        throw new IdempotencyStoreException("Redis " + server + " answered the " + operation + " of key '" + key
                + "' (namespace " + namespace + ", Redis key '" + text(redisKey) + "') with " + reply
                + " instead of 0 or 1", namespace, key);
    }

    private StoredRecord decode(byte[] value, String namespace, String key, byte[] redisKey) {
        try {
            return RecordCodec.decode(value);
        } catch (RecordCodec.MalformedRecordException e) {
            throw new IdempotencyStoreException("the value at Redis key '" + text(redisKey) + "' (namespace "
                    + namespace + ", key '" + key + "') on " + server + " is not an idempotency record: "
                    + e.getMessage() + "; it is left as it is, and the method does not run", namespace, key);
        }
    }

    private IdempotencyStoreException failure(String operation, String namespace, String key, byte[] redisKey,
                                              RuntimeException e) {
        if (e instanceof IdempotencyStoreException s) {
            return s;
        }
        return new IdempotencyStoreException("Redis " + currentServer() + " could not " + operation + " key '" + key
                + "' (namespace " + namespace + ", Redis key '" + text(redisKey) + "'): " + reason(e),
                namespace, key, e, unreachable(e));
    }

    /**
     * Whether the failure means Redis could not be reached (so {@code failOpen} may apply): a lost or refused
     * connection, a timeout, a server still loading its data or without a master. A failed TLS handshake is a
     * configuration error and an error reply is an answer: neither is "unreachable".
     */
    static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException || t instanceof java.security.cert.CertificateException) {
                return false;
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JedisConnectionException || t instanceof JedisClusterOperationException) {
                return true; // the latter: no node of the cluster could serve the key in time
            }
            if (t instanceof JedisDataException d && d.getMessage() != null
                    && (d.getMessage().startsWith("LOADING") || d.getMessage().startsWith("MASTERDOWN"))) {
                return true;
            }
        }
        return false;
    }

    private static String reason(RuntimeException e) {
        String message = String.valueOf(e.getMessage());
        if (e instanceof JedisConnectionException) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof javax.net.ssl.SSLException || t instanceof java.security.cert.CertificateException) {
                    return "the TLS handshake failed (" + rootMessage(e) + ")";
                }
            }
            return "the server is unreachable or did not answer in time (" + rootMessage(e) + ")";
        }
        if (e instanceof JedisDataException && message.startsWith("WRONGTYPE")) {
            return "the key holds a Redis value of another type (WRONGTYPE), not a record of this library;"
                    + " it is left as it is";
        }
        if (e instanceof JedisClusterOperationException) {
            return "the cluster could not serve the key (" + rootMessage(e) + ")";
        }
        return e.getClass().getSimpleName() + ": " + rootMessage(e);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        String message = e.getMessage();
        for (int depth = 0; t.getCause() != null && depth < 10; depth++) {
            t = t.getCause();
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return t == e ? message : t.getClass().getSimpleName() + ": " + message;
    }

    private String currentServer() {
        if (client instanceof RedisSentinelClient sentinel) {
            try {
                return server + " (master " + sentinel.getCurrentMaster() + ")";
            } catch (RuntimeException e) {
                return server;
            }
        }
        return server;
    }

    // ---- starting ----

    private static UnifiedJedis open(Builder b) {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(b.poolSize);
        pool.setMaxIdle(b.poolSize);
        pool.setMinIdle(0);
        pool.setMaxWait(b.poolTimeout);
        pool.setBlockWhenExhausted(true);
        pool.setJmxEnabled(false);
        // TLS verifies the server's certificate chain and host name (the JVM's trust store)
        SslOptions tls = b.ssl ? SslOptions.defaults() : null;
        DefaultJedisClientConfig data = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(intMillis(b.connectTimeout))
                .socketTimeoutMillis(intMillis(b.socketTimeout))
                .user(b.user)
                .password(b.password)
                .database(b.database)
                .clientName(b.clientName)
                .sslOptions(tls)
                .build();
        switch (b.mode) {
            case STANDALONE:
                return RedisClient.builder().hostAndPort(b.nodes.get(0)).clientConfig(data).poolConfig(pool).build();
            case SENTINEL:
                DefaultJedisClientConfig sentinels = DefaultJedisClientConfig.builder()
                        .connectionTimeoutMillis(intMillis(b.connectTimeout))
                        .socketTimeoutMillis(intMillis(b.socketTimeout))
                        .user(b.sentinelUser)
                        .password(b.sentinelPassword)
                        .clientName(b.clientName)
                        .sslOptions(tls)
                        .build();
                return RedisSentinelClient.builder().masterName(b.masterName).sentinels(new LinkedHashSet<>(b.nodes))
                        .clientConfig(data).sentinelClientConfig(sentinels).poolConfig(pool).build();
            case CLUSTER:
                return RedisClusterClient.builder().nodes(new LinkedHashSet<>(b.nodes)).clientConfig(data)
                        .poolConfig(pool).build();
            default:
                throw new IllegalStateException(String.valueOf(b.mode));
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

    private static void loadScripts(UnifiedJedis client) {
        if (client instanceof RedisClusterClient cluster) {
            for (ConnectionPool pool : cluster.getClusterNodes().values()) {
                try (Connection c = pool.getResource()) {
                    for (LuaScript script : LuaScript.ALL) {
                        checkSha(script, c.executeCommand(new CommandObject<>(new CommandArguments(Protocol.Command.SCRIPT)
                                .add(Protocol.Keyword.LOAD).add(script.sourceBytes), BuilderFactory.STRING)));
                    }
                } catch (JedisConnectionException e) {
                    // a node that is down now gets the scripts by EVAL when it serves again
                }
            }
        } else {
            for (LuaScript script : LuaScript.ALL) {
                checkSha(script, client.scriptLoad(script.source));
            }
        }
    }

    private static void checkSha(LuaScript script, String sha) {
        if (!script.sha.equalsIgnoreCase(sha)) {
            throw new IllegalStateException("the server gave the " + script + " the SHA " + sha);
        }
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

    // ---- small helpers ----

    private static long millis(String what, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, but was " + d);
        }
        return d.compareTo(Duration.ofMillis(MAX_EXPIRY_MILLIS)) > 0 ? MAX_EXPIRY_MILLIS : Math.max(1, d.toMillis());
    }

    private static int intMillis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }

    private static byte[] number(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(byte[] redisKey) {
        return new String(redisKey, StandardCharsets.UTF_8);
    }

    private static void closeQuietly(UnifiedJedis client) {
        try {
            client.close();
        } catch (RuntimeException e) {
            // closing after a failed start: the first error is the one to report
        }
    }

    /** The Redis key of a record, for tests and operators. */
    String redisKey(String namespace, String key) {
        return text(keys.key(namespace, key));
    }

    /** The lowest server version seen at start, e.g. {@code 7.0.15}. */
    String serverVersion() {
        return serverVersion;
    }

    /** Whether claims use {@code SET … NX GET} (7.0+) rather than the claim script. */
    boolean claimsBySetGet() {
        return claimBySetGet;
    }

    @Override
    public String describe() {
        return "redis(" + server + ", Redis " + serverVersion + ", keyPrefix '" + keys.prefix() + "')";
    }

    /** Closes the connection pools (and the Sentinel listeners) of a client the store opened itself. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && ownsClient) {
            client.close();
        }
    }

    /**
     * Settings for a {@link RedisStore}; each setter checks its value at once. Topology, credentials and options
     * can come from a URI ({@link #uri}) and be adjusted after it.
     */
    public static final class Builder {

        enum Mode { STANDALONE, SENTINEL, CLUSTER }

        private Mode mode;
        private List<HostAndPort> nodes = List.of();
        private String masterName;
        private UnifiedJedis client;
        private String user;
        private String password;
        private String sentinelUser;
        private String sentinelPassword;
        private int database;
        private boolean ssl;
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration socketTimeout = DEFAULT_SOCKET_TIMEOUT;
        private int poolSize = DEFAULT_POOL_SIZE;
        private Duration poolTimeout = DEFAULT_POOL_TIMEOUT;
        private String clientName = DEFAULT_CLIENT_NAME;
        private int durableReplicas;
        private Duration durableTimeout = DEFAULT_DURABLE_COMPLETION_TIMEOUT;
        boolean claimByScript;

        private Builder() {
        }

        /**
         * Topology, credentials and options from a store URI: {@code redis://[user:password@]host:port[/db]},
         * {@code rediss://…} (TLS), {@code redis-sentinel://host:port[,host:port…]/masterName},
         * {@code redis-cluster://host:port[,host:port…]}, each with optional query parameters
         * {@code connectTimeout}, {@code socketTimeout}, {@code poolSize}, {@code poolTimeout}, {@code keyPrefix},
         * {@code clientName}, {@code durableCompletion}, {@code durableCompletionTimeout}; for Sentinel also
         * {@code database}, {@code ssl}, {@code sentinelUser},
         * {@code sentinelPassword}; for Cluster also {@code ssl}.
         */
        public Builder uri(String uri) {
            RedisUris.apply(uri, this);
            return this;
        }

        /** One server. */
        public Builder standalone(String host, int port) {
            this.mode = Mode.STANDALONE;
            this.nodes = List.of(hostAndPort(host, port));
            this.masterName = null;
            this.client = null;
            return this;
        }

        /** The master {@code masterName} as the sentinels ({@code "host:port"}) report it, following failovers. */
        public Builder sentinel(String masterName, String... sentinels) {
            if (masterName == null || masterName.isBlank()) {
                throw bad("masterName must not be blank, but was " + quoted(masterName));
            }
            this.mode = Mode.SENTINEL;
            this.nodes = hostAndPorts("sentinels", sentinels);
            this.masterName = masterName;
            this.client = null;
            return this;
        }

        /** A cluster, discovered from any of the given nodes ({@code "host:port"}). */
        public Builder cluster(String... nodes) {
            this.mode = Mode.CLUSTER;
            this.nodes = hostAndPorts("cluster nodes", nodes);
            this.masterName = null;
            this.client = null;
            return this;
        }

        /**
         * A Jedis client the application made and keeps owning: the store uses it and does not close it. Connection
         * settings of this builder then do not apply; the key prefix does.
         */
        public Builder client(UnifiedJedis client) {
            this.client = Objects.requireNonNull(client, "client");
            this.mode = null;
            this.nodes = List.of();
            return this;
        }

        /** The ACL user; {@code null} for the default user. */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /** For Sentinel: the sentinels' own ACL user, if they require authentication. */
        public Builder sentinelUser(String user) {
            this.sentinelUser = user;
            return this;
        }

        /** For Sentinel: the sentinels' own password, if they require authentication. */
        public Builder sentinelPassword(String password) {
            this.sentinelPassword = password;
            return this;
        }

        public Builder database(int database) {
            if (database < 0) {
                throw bad("database must be 0 or more, but was " + database);
            }
            this.database = database;
            return this;
        }

        /** TLS; {@code rediss://} sets it. */
        public Builder ssl(boolean ssl) {
            this.ssl = ssl;
            return this;
        }

        /** Put before every key, to keep applications on one server apart; no braces. Default {@code idem:}. */
        public Builder keyPrefix(String keyPrefix) {
            try {
                this.keyPrefix = KeyLayout.checkPrefix(keyPrefix);
            } catch (IllegalArgumentException e) {
                throw bad(e.getMessage());
            }
            return this;
        }

        /** How long to wait for a TCP connection. Default 2 s. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout("connectTimeout", timeout);
            return this;
        }

        /** How long to wait for an answer; a slower server fails the call (closed). Default 2 s. */
        public Builder socketTimeout(Duration timeout) {
            this.socketTimeout = timeout("socketTimeout", timeout);
            return this;
        }

        /** Connections per server: the most calls that talk to one server at once. Default 16. */
        public Builder poolSize(int poolSize) {
            if (poolSize < 1 || poolSize > 10_000) {
                throw bad("poolSize must be from 1 to 10000, but was " + poolSize);
            }
            this.poolSize = poolSize;
            return this;
        }

        /** How long a call waits for a free connection when all are busy. Default 2 s. */
        public Builder poolTimeout(Duration timeout) {
            this.poolTimeout = timeout("poolTimeout", timeout);
            return this;
        }

        /** The connections' name in {@code CLIENT LIST}. Default {@code idempotency}. */
        public Builder clientName(String clientName) {
            if (clientName == null || clientName.isEmpty() || clientName.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
                throw bad("clientName must be printable ASCII without spaces, but was " + quoted(clientName));
            }
            this.clientName = clientName;
            return this;
        }

        /**
         * Durable completion, for Redis with replicas (Sentinel, Cluster): a completed record is acknowledged by
         * {@code replicas} replicas before the call returns its result ({@code WAIT}, or {@code WAITAOF} on Redis
         * 7.2+, which counts replicas that wrote it to their AOF: give them {@code appendonly yes}), so a failover
         * that promotes one of them keeps it. Costs one wait for replication per first execution, none per replay.
         * If fewer acknowledge within {@link #durableCompletionTimeout}, the record stays written on the master and
         * the call returns as usual: a warning is logged (at most every 10 s) and
         * {@link RedisStore#completionsShortOfReplicas} counts it. Default 0: off. URI: {@code durableCompletion=1}.
         */
        public Builder durableCompletion(int replicas) {
            if (replicas < 0 || replicas > 100) {
                throw bad("durableCompletion must be from 0 (off) to 100 replicas, but was " + replicas);
            }
            this.durableReplicas = replicas;
            return this;
        }

        /**
         * How long a durable completion waits for its replicas; must be shorter than the socket timeout. Default
         * 1 s. URI: {@code durableCompletionTimeout=500ms}.
         */
        public Builder durableCompletionTimeout(Duration timeout) {
            this.durableTimeout = timeout("durableCompletionTimeout", timeout);
            return this;
        }

        /** Opens the pools, learns the server version and loads the scripts; fails if no server answers. */
        public RedisStore build() {
            if (mode == null && client == null) {
                throw bad("no Redis given: call uri(…), standalone(…), sentinel(…), cluster(…) or client(…)");
            }
            if (durableReplicas > 0 && durableTimeout.compareTo(socketTimeout) >= 0) {
                throw bad("durableCompletionTimeout (" + durableTimeout + ") must be shorter than socketTimeout ("
                        + socketTimeout + "), which bounds the wait for the replicas' answer");
            }
            if (mode == Mode.CLUSTER && database != 0) {
                throw bad("Redis Cluster has only database 0, but database was " + database);
            }
            return new RedisStore(this);
        }

        /** What the builder holds, for tests. */
        record Snapshot(Mode mode, List<String> nodes, String masterName, String user, String password,
                        String sentinelUser, String sentinelPassword, int database, boolean ssl, String keyPrefix,
                        Duration connectTimeout, Duration socketTimeout, int poolSize, Duration poolTimeout,
                        String clientName) {
        }

        Snapshot snapshot() {
            return new Snapshot(mode, nodes.stream().map(HostAndPort::toString).toList(), masterName, user, password,
                    sentinelUser, sentinelPassword, database, ssl, keyPrefix, connectTimeout, socketTimeout, poolSize,
                    poolTimeout, clientName);
        }

        /** The server as messages name it: a URI without password or query. */
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

        private static HostAndPort hostAndPort(String host, int port) {
            if (host == null || host.isBlank()) {
                throw bad("host must not be blank, but was " + quoted(host));
            }
            if (port < 1 || port > 65535) {
                throw bad("port must be from 1 to 65535, but was " + port);
            }
            return new HostAndPort(host, port);
        }

        private static List<HostAndPort> hostAndPorts(String what, String... hostPorts) {
            if (hostPorts == null || hostPorts.length == 0) {
                throw bad(what + " must name at least one host:port");
            }
            List<HostAndPort> list = new ArrayList<>();
            for (String hp : hostPorts) {
                int colon = hp == null ? -1 : hp.lastIndexOf(':');
                int port;
                try {
                    port = colon < 0 ? -1 : Integer.parseInt(hp.substring(colon + 1));
                } catch (NumberFormatException e) {
                    port = -1;
                }
                if (colon <= 0 || port < 1 || port > 65535) {
                    throw bad(what + " must be given as host:port, but one was " + quoted(hp));
                }
                String host = hp.substring(0, colon);
                if (host.startsWith("[") && host.endsWith("]")) {
                    host = host.substring(1, host.length() - 1);
                }
                list.add(hostAndPort(host, port));
            }
            return List.copyOf(list);
        }

        private static Duration timeout(String name, Duration value) {
            if (value == null || value.isNegative() || value.isZero() || value.toMillis() == 0) {
                throw bad(name + " must be at least one millisecond, but was " + value);
            }
            if (value.toMillis() > Integer.MAX_VALUE) {
                throw bad(name + " must be at most " + Duration.ofMillis(Integer.MAX_VALUE) + ", but was " + value);
            }
            return value;
        }

        private static String quoted(String s) {
            return s == null ? "null" : "'" + s + "'";
        }

        private static IdempotencyConfigurationException bad(String message) {
            return new IdempotencyConfigurationException(message, null, null);
        }
    }
}
