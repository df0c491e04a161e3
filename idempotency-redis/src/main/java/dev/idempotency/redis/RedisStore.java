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
import java.util.List;
import java.util.Objects;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.SetParams;

/**
 * The Redis store, on one server, behind Sentinel, or on a Cluster, through Jedis's pooled clients
 * ({@link RedisClient}, {@link RedisSentinelClient}, {@link RedisClusterClient}).
 *
 * <p>From a store URI (the same text that {@code -Didempotency.store=…} takes; see {@link Builder#uri} for the forms
 * and query parameters):
 * <pre>{@code
 * Idempotency.configure(IdempotencyConfig.builder()
 *         .store(RedisStore.create("redis://app:secret@127.0.0.1:6379/0?keyPrefix=billing:"))
 *         .build());
 * }</pre>
 *
 * <p>With the builder, which can also start from a URI and adjust it:
 * <pre>{@code
 * // one server, TLS
 * RedisStore standalone = RedisStore.builder()
 *         .standalone("redis.internal", 6380).ssl(true)
 *         .user("app").password(secret)
 *         .keyPrefix("billing:")
 *         .build();
 *
 * // Sentinel, each completion acknowledged by one replica before the call returns
 * RedisStore sentinel = RedisStore.builder()
 *         .sentinel("mymaster", "10.0.0.1:26379", "10.0.0.2:26379", "10.0.0.3:26379")
 *         .password(secret)
 *         .durableCompletion(1)
 *         .durableCompletionTimeout(Duration.ofMillis(500))
 *         .build();
 *
 * // Cluster, discovered from any of its nodes
 * RedisStore cluster = RedisStore.builder()
 *         .uri("redis-cluster://10.0.0.1:6379,10.0.0.2:6379")
 *         .poolSize(32)
 *         .build();
 * }</pre>
 *
 * <p>A store is safe for use by any number of threads at once; a {@link Builder} is not.
 *
 * <p>Life cycle, the same for every store of this library:
 * <ul>
 *   <li><b>Built without the network.</b> {@link Builder#build()}, {@link #create(String)} and the URI provider
 *       only check the settings; a bad one is an {@link IdempotencyConfigurationException} that names it. A store
 *       can be built, and the application start, while Redis is down.</li>
 *   <li><b>Connects on first use</b>, once, for all threads: it creates the client, learns the server version and
 *       loads the scripts. If that fails, the call fails, and the next call tries again (each try is bounded by
 *       {@code connectTimeout} and {@code socketTimeout}); calls that arrive during a try wait for it rather than
 *       start tries of their own.</li>
 *   <li><b>Unreachable is one thing:</b> any call that cannot reach Redis (connection refused or lost, a timeout, a
 *       pool that cannot make a connection, a server still loading or without a master) throws an
 *       {@link IdempotencyStoreException} whose {@link IdempotencyStoreException#isUnreachable()} is true and whose
 *       message names the server, never its password. A server that answered (a wrong password, a value that is not
 *       a record of this library, a key of another Redis type, a failed TLS handshake) is a store error that is not
 *       unreachable, so {@code failOpen} never hides it. The pool reconnects by itself when the server is back.</li>
 *   <li><b>Closes what it created:</b> {@link #close()} closes the client (pools, Sentinel listeners) the store
 *       created; a client handed to {@link Builder#client(UnifiedJedis)} belongs to the application and stays open.
 *       {@code close()} may be called more than once; any call after it throws {@link IllegalStateException}.</li>
 * </ul>
 *
 * <p>Round trips: a first execution takes two commands (claim, complete), a replay one (claim), a WAIT poll one
 * ({@code GET}); a runtime with its near cache on asks once more ({@link #remainingTtl}) the first time it replays a
 * key that another process completed, and its later replays of the key ask nothing. The claim is {@code SET key value NX PX lease GET} on Redis 7.0 and later, which claims a free key
 * or returns the record that is there, atomically; before 7.0, a script does the same. Complete, release and renew are
 * scripts that act only while the record is still the caller's claim. Every key is written with its expiry in the
 * same command ({@code SET … PX}, {@code PEXPIRE}), so no crash leaves a key without one.
 *
 * <p>Keys are {@code <keyPrefix><namespace>:{<hash>}}, e.g. {@code idem:com.acme.TransferService.transfer:{q2Vw…}},
 * where the hash is the base64url SHA-256 of the namespace and the key. It is the key's only hash tag, so a record
 * lives on one Cluster slot, and a caller's key can neither choose the slot nor reach Redis's key syntax. Values are
 * versioned, length-prefixed records this library writes ({@code v1:P…} in progress, {@code v1:C…} completed); any
 * other value at a record's key is an {@link IdempotencyStoreException}, and the value is left as it is.
 */
public final class RedisStore implements IdempotencyStore {

    /** The prefix of every key, unless {@link Builder#keyPrefix} sets another: {@value}. */
    public static final String DEFAULT_KEY_PREFIX = "idem:";
    /** How long to wait for a TCP connection, unless {@link Builder#connectTimeout} says otherwise: 2 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** How long to wait for an answer, unless {@link Builder#socketTimeout} says otherwise: 2 seconds. */
    public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(2);
    /** Pooled connections per server, unless {@link Builder#poolSize} says otherwise: {@value}. */
    public static final int DEFAULT_POOL_SIZE = 16;
    /** How long a call waits for a free pooled connection, unless {@link Builder#poolTimeout} says otherwise: 2 seconds. */
    public static final Duration DEFAULT_POOL_TIMEOUT = Duration.ofSeconds(2);
    /** The connections' name in {@code CLIENT LIST}, unless {@link Builder#clientName} sets another: {@value}. */
    public static final String DEFAULT_CLIENT_NAME = "idempotency";
    /** How long a durable completion waits for its replicas, unless told otherwise. */
    public static final Duration DEFAULT_DURABLE_COMPLETION_TIMEOUT = Duration.ofSeconds(1);

    /** Made when first used: the agent's start-up checks a store URI through this class and has nothing to log. */
    private static final class Logs {
        static final System.Logger LOG = System.getLogger("dev.idempotency.redis");
    }
    private static final long MAX_EXPIRY_MILLIS = Duration.ofDays(365L * 100).toMillis();

    private final RedisConnection redis;
    private final KeyLayout keys;
    private final DurableCompletion durable;

    private RedisStore(RedisSettings settings) {
        this.redis = new RedisConnection(settings);
        this.keys = new KeyLayout(settings.keyPrefix());
        this.durable = new DurableCompletion(settings.durableReplicas(), settings.durableTimeout());
    }

    /**
     * A store for a URI, as {@code -Didempotency.store=…} would make it; see {@link Builder#uri}. Does not connect:
     * see the class comment.
     *
     * @param uri a {@code redis://}, {@code rediss://}, {@code redis-sentinel://} or {@code redis-cluster://} URI
     * @return a store that connects on its first call
     * @throws IdempotencyConfigurationException if the URI is {@code null}, malformed, or holds a value out of range;
     *                                           the message names the bad part and masks the passwords
     */
    public static RedisStore create(String uri) {
        return builder().uri(uri).build();
    }

    /**
     * A builder with every setting at its default. Choose the Redis with {@link Builder#uri},
     * {@link Builder#standalone}, {@link Builder#sentinel}, {@link Builder#cluster} or {@link Builder#client} before
     * {@link Builder#build()}.
     *
     * @return a new builder
     */
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
            found = claimOrRead(redis.connected(), redisKey, value, px);
        } catch (RuntimeException e) {
            throw failure("claim", namespace, key, redisKey, e);
        }
        return found == null ? ClaimResult.CLAIMED : ClaimResult.found(decode(found, namespace, key, redisKey));
    }

    private byte[] claimOrRead(RedisConnection.Connected c, byte[] redisKey, byte[] value, long px) {
        if (c.claimBySetGet) {
            try {
                return c.client.setGet(redisKey, value, SetParams.setParams().nx().px(px));
            } catch (JedisDataException e) {
                if (!String.valueOf(e.getMessage()).startsWith("ERR syntax error")) {
                    throw e;
                }
                // a server older than 7.0 (e.g. a replica promoted during an upgrade): use the script from now on
                c.claimBySetGet = false;
                Logs.LOG.log(System.Logger.Level.WARNING, "idempotency: Redis " + redis.server() + " refused SET … NX GET;"
                        + " claims use a script from now on");
            }
        }
        Object reply = LuaScript.CLAIM.run(c.client, redisKey, List.of(value, number(px)));
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
        if (!durable.enabled()) {
            return script(LuaScript.COMPLETE, "complete", namespace, key, redisKey, args);
        }
        DurableCompletion.Completed completed;
        try {
            completed = durable.complete(redis.connected(), redisKey, args);
        } catch (RuntimeException e) {
            throw failure("complete", namespace, key, redisKey, e);
        }
        boolean done = zeroOrOne("complete", namespace, key, redisKey, completed.reply());
        if (done) {
            durable.recorded(namespace, key, completed.acknowledged(), redis::currentServer);
        }
        return done;
    }

    /**
     * Completions recorded on the master that fewer than {@code durableCompletion} replicas acknowledged in time,
     * since the store started; 0 when the option is off. For a metric or an alert.
     *
     * @return the number of such completions, never negative
     */
    public long completionsShortOfReplicas() {
        return durable.shortOfReplicas();
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
            value = redis.connected().client.get(redisKey);
        } catch (RuntimeException e) {
            throw failure("read", namespace, key, redisKey, e);
        }
        return value == null ? null : decode(value, namespace, key, redisKey);
    }

    /**
     * One round trip, which the runtime makes once per key that it keeps in its near cache: the record's {@code PTTL},
     * if the key still holds the record that was read (a script compares them, so that the expiry is that record's).
     */
    @Override
    public Duration remainingTtl(String namespace, String key, StoredRecord record) {
        if (!record.isCompleted()) {
            return null;
        }
        byte[] redisKey = keys.key(namespace, key);
        byte[] value = RecordCodec.completed(record.fingerprint(), record.outcome());
        Object reply;
        try {
            reply = LuaScript.REMAINING_TTL.run(redis.connected().client, redisKey, List.of(value));
        } catch (RuntimeException e) {
            throw failure("read the expiry of", namespace, key, redisKey, e);
        }
        return reply instanceof Long ms && ms > 0 ? Duration.ofMillis(ms) : null;
    }

    private boolean script(LuaScript script, String operation, String namespace, String key, byte[] redisKey,
                           List<byte[]> args) {
        Object reply;
        try {
            reply = script.run(redis.connected().client, redisKey, args);
        } catch (RuntimeException e) {
            throw failure(operation, namespace, key, redisKey, e);
        }
        return zeroOrOne(operation, namespace, key, redisKey, reply);
    }

    private boolean zeroOrOne(String operation, String namespace, String key, byte[] redisKey, Object reply) {
        if (reply instanceof Long n && (n == 0 || n == 1)) {
            return n == 1;
        }
        throw new IdempotencyStoreException("Redis " + redis.server() + " answered the " + operation + " of key '"
                + key + "' (namespace " + namespace + ", Redis key '" + text(redisKey) + "') with " + reply
                + " instead of 0 or 1", namespace, key);
    }

    private StoredRecord decode(byte[] value, String namespace, String key, byte[] redisKey) {
        try {
            return RecordCodec.decode(value);
        } catch (RecordCodec.MalformedRecordException e) {
            throw new IdempotencyStoreException("the value at Redis key '" + text(redisKey) + "' (namespace "
                    + namespace + ", key '" + key + "') on " + redis.server() + " is not an idempotency record: "
                    + e.getMessage() + "; it is left as it is, and the method does not run", namespace, key);
        }
    }

    /**
     * What a failed call throws: after {@link #close()} the closed-store error, whatever Jedis said about its closed
     * pool; an error of this library (a configuration error found on connecting) as it is; anything else as an
     * {@link IdempotencyStoreException} naming the server and the key, unreachable or not.
     */
    private RuntimeException failure(String operation, String namespace, String key, byte[] redisKey,
                                     RuntimeException e) {
        if (redis.isClosed()) {
            return e instanceof IllegalStateException && redis.closedMessage().equals(e.getMessage()) ? e
                    : new IllegalStateException(redis.closedMessage(), e);
        }
        if (e instanceof IdempotencyException) {
            return e;
        }
        return new IdempotencyStoreException("Redis " + redis.currentServer() + " could not " + operation + " key '"
                + key + "' (namespace " + namespace + ", Redis key '" + text(redisKey) + "'): "
                + RedisFailures.reason(e), namespace, key, e, RedisFailures.unreachable(e));
    }

    // ---- small helpers ----

    private static long millis(String what, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, but was " + d);
        }
        return d.compareTo(Duration.ofMillis(MAX_EXPIRY_MILLIS)) > 0 ? MAX_EXPIRY_MILLIS : Math.max(1, d.toMillis());
    }

    private static byte[] number(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(byte[] redisKey) {
        return new String(redisKey, StandardCharsets.UTF_8);
    }

    /** The Redis key of a record, for tests and operators. */
    String redisKey(String namespace, String key) {
        return text(keys.key(namespace, key));
    }

    /** The lowest server version, e.g. {@code 7.0.15}; connects if need be. For tests. */
    String serverVersion() {
        return redis.connected().version;
    }

    /** Whether claims use {@code SET … NX GET} (7.0+) rather than the claim script; connects if need be. For tests. */
    boolean claimsBySetGet() {
        return redis.connected().claimBySetGet;
    }

    /** Whether the store has connected (and not been closed since); never connects. For tests. */
    boolean isConnected() {
        return redis.ifConnected() != null && !redis.isClosed();
    }

    /** The server, its version once connected, and the key prefix; never connects. */
    @Override
    public String describe() {
        RedisConnection.Connected c = redis.ifConnected();
        return "redis(" + redis.server() + ", " + (c == null ? "not connected yet" : "Redis " + c.version)
                + ", keyPrefix '" + keys.prefix() + "')";
    }

    /** Closes the client the store created (see the class comment); an application's client stays open. */
    @Override
    public void close() {
        redis.close();
    }

    /**
     * Settings for a {@link RedisStore}; each setter checks its value at once and throws
     * {@link IdempotencyConfigurationException} for a bad one. Topology, credentials and options can come from a URI
     * ({@link #uri}) and be adjusted after it; a later call overrides an earlier one. Obtained from
     * {@link RedisStore#builder()}; not safe for use by several threads at once.
     */
    public static final class Builder {

        private RedisSettings.Mode mode;
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
         * {@code sentinelPassword}; for Cluster also {@code ssl}. Durations as everywhere in the library
         * ({@code 500ms}, {@code 2s}, {@code 10m}, {@code PT2S}; a bare number is refused). Reads the text only: a
         * bad part is an {@link IdempotencyConfigurationException} naming it, with the passwords masked.
         *
         * <p>The port defaults to 6379, for Sentinel to 26379. User and password are percent-decoded, so percent-encode
         * characters such as {@code @}, {@code :} or {@code %} in them; an empty user means the default user.
         *
         * @param uri the store URI
         * @return this builder
         * @throws IdempotencyConfigurationException if the URI is {@code null}, not a Redis URI, malformed, holds an
         *                                           unknown or repeated parameter, or a value out of range
         */
        public Builder uri(String uri) {
            RedisUris.apply(uri, this);
            return this;
        }

        /**
         * One server, without Sentinel or Cluster. Replaces a topology or client chosen before.
         *
         * @param host the server's host name or IP address
         * @param port the server's port, from 1 to 65535
         * @return this builder
         * @throws IdempotencyConfigurationException if the host is {@code null} or blank, or the port out of range
         */
        public Builder standalone(String host, int port) {
            this.mode = RedisSettings.Mode.STANDALONE;
            this.nodes = List.of(hostAndPort(host, port));
            this.masterName = null;
            this.client = null;
            return this;
        }

        /**
         * The master {@code masterName} as the sentinels report it, following failovers. Replaces a topology or client
         * chosen before. The sentinels' own credentials, if they need any, are {@link #sentinelUser} and
         * {@link #sentinelPassword}; {@link #user} and {@link #password} are the master's.
         *
         * @param masterName the name the sentinels monitor the master by
         * @param sentinels  at least one sentinel, each as {@code "host:port"} (an IPv6 address in brackets)
         * @return this builder
         * @throws IdempotencyConfigurationException if the master name is blank, or no sentinel is given, or one is not
         *                                           {@code host:port}
         */
        public Builder sentinel(String masterName, String... sentinels) {
            if (masterName == null || masterName.isBlank()) {
                throw bad("masterName must not be blank, but was " + quoted(masterName));
            }
            this.mode = RedisSettings.Mode.SENTINEL;
            this.nodes = hostAndPorts("sentinels", sentinels);
            this.masterName = masterName;
            this.client = null;
            return this;
        }

        /**
         * A cluster, discovered from any of the given nodes. Replaces a topology or client chosen before. A cluster
         * has only database 0.
         *
         * @param nodes at least one node, each as {@code "host:port"} (an IPv6 address in brackets)
         * @return this builder
         * @throws IdempotencyConfigurationException if no node is given, or one is not {@code host:port}
         */
        public Builder cluster(String... nodes) {
            this.mode = RedisSettings.Mode.CLUSTER;
            this.nodes = hostAndPorts("cluster nodes", nodes);
            this.masterName = null;
            this.client = null;
            return this;
        }

        /**
         * A Jedis client the application made and keeps owning: the store uses it and does not close it. Connection
         * settings of this builder then do not apply; the key prefix and the durable completion options do. Replaces a
         * topology chosen before. With {@link #durableCompletion}, a client other than a {@link RedisClusterClient} must
         * run its pipelines on one connection, as {@link RedisClient} and {@link RedisSentinelClient} do; that is
         * checked when the store connects, and a client that does not fails that call with an
         * {@link IdempotencyConfigurationException}.
         *
         * @param client the application's client; it must stay open while the store is used
         * @return this builder
         * @throws NullPointerException if {@code client} is {@code null}
         */
        public Builder client(UnifiedJedis client) {
            this.client = Objects.requireNonNull(client, "client");
            this.mode = null;
            this.nodes = List.of();
            return this;
        }

        /**
         * The ACL user; {@code null} (the default) for the default user.
         *
         * @param user the user name, or {@code null}
         * @return this builder
         */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        /**
         * The password sent with {@code AUTH}; {@code null} (the default) for none. It never appears in messages,
         * logs or {@link RedisStore#describe()}.
         *
         * @param password the password, or {@code null}
         * @return this builder
         */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /**
         * For Sentinel: the sentinels' own ACL user, if they require authentication; {@code null} (the default) for
         * the default user.
         *
         * @param user the sentinels' user name, or {@code null}
         * @return this builder
         */
        public Builder sentinelUser(String user) {
            this.sentinelUser = user;
            return this;
        }

        /**
         * For Sentinel: the sentinels' own password, if they require authentication; {@code null} (the default) for
         * none.
         *
         * @param password the sentinels' password, or {@code null}
         * @return this builder
         */
        public Builder sentinelPassword(String password) {
            this.sentinelPassword = password;
            return this;
        }

        /**
         * The logical database (the {@code /db} of a {@code redis://} URI, the {@code database} parameter for
         * Sentinel). Default 0, the only one a Cluster has: {@link #build()} refuses another for a cluster.
         *
         * @param database the database number, 0 or more
         * @return this builder
         * @throws IdempotencyConfigurationException if {@code database} is negative
         */
        public Builder database(int database) {
            if (database < 0) {
                throw bad("database must be 0 or more, but was " + database);
            }
            this.database = database;
            return this;
        }

        /**
         * Whether to connect with TLS, verifying the server's certificate chain and host name against the JVM's trust
         * store. Default {@code false}; {@code rediss://} sets it, as does {@code ssl=true} on a Sentinel or Cluster
         * URI.
         *
         * @param ssl {@code true} for TLS
         * @return this builder
         */
        public Builder ssl(boolean ssl) {
            this.ssl = ssl;
            return this;
        }

        /**
         * Put before every key, to keep applications on one server apart. Default {@code idem:}; may be empty.
         *
         * @param keyPrefix the prefix: at most 128 characters, without braces, spaces or control characters
         * @return this builder
         * @throws IdempotencyConfigurationException if {@code keyPrefix} is {@code null} or breaks one of those rules
         */
        public Builder keyPrefix(String keyPrefix) {
            try {
                this.keyPrefix = KeyLayout.checkPrefix(keyPrefix);
            } catch (IllegalArgumentException e) {
                throw bad(e.getMessage());
            }
            return this;
        }

        /**
         * How long to wait for a TCP connection; bounds each try to connect, too. Default 2 s.
         *
         * @param timeout at least 1 ms and at most {@link Integer#MAX_VALUE} ms
         * @return this builder
         * @throws IdempotencyConfigurationException if {@code timeout} is {@code null} or out of that range
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout("connectTimeout", timeout);
            return this;
        }

        /**
         * How long to wait for an answer; a slower server fails the call (closed). Default 2 s.
         *
         * @param timeout at least 1 ms and at most {@link Integer#MAX_VALUE} ms
         * @return this builder
         * @throws IdempotencyConfigurationException if {@code timeout} is {@code null} or out of that range
         */
        public Builder socketTimeout(Duration timeout) {
            this.socketTimeout = timeout("socketTimeout", timeout);
            return this;
        }

        /**
         * Connections per server: the most calls that talk to one server at once. Default 16.
         *
         * @param poolSize from 1 to 10000
         * @return this builder
         * @throws IdempotencyConfigurationException if {@code poolSize} is out of that range
         */
        public Builder poolSize(int poolSize) {
            if (poolSize < 1 || poolSize > 10_000) {
                throw bad("poolSize must be from 1 to 10000, but was " + poolSize);
            }
            this.poolSize = poolSize;
            return this;
        }

        /**
         * How long a call waits for a free connection when all are busy. Default 2 s.
         *
         * @param timeout at least 1 ms and at most {@link Integer#MAX_VALUE} ms
         * @return this builder
         * @throws IdempotencyConfigurationException if {@code timeout} is {@code null} or out of that range
         */
        public Builder poolTimeout(Duration timeout) {
            this.poolTimeout = timeout("poolTimeout", timeout);
            return this;
        }

        /**
         * The connections' name in {@code CLIENT LIST}. Default {@code idempotency}.
         *
         * @param clientName a non-empty name of printable ASCII characters without spaces
         * @return this builder
         * @throws IdempotencyConfigurationException if {@code clientName} is {@code null}, empty, or holds another
         *                                           character
         */
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
         *
         * @param replicas how many replicas must acknowledge each completed record, from 0 (off) to 100
         * @return this builder
         * @throws IdempotencyConfigurationException if {@code replicas} is out of that range
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
         * 1 s. URI: {@code durableCompletionTimeout=500ms}. Checked against the socket timeout by {@link #build()},
         * and only while {@link #durableCompletion} is on.
         *
         * @param timeout at least 1 ms and at most {@link Integer#MAX_VALUE} ms
         * @return this builder
         * @throws IdempotencyConfigurationException if {@code timeout} is {@code null} or out of that range
         */
        public Builder durableCompletionTimeout(Duration timeout) {
            this.durableTimeout = timeout("durableCompletionTimeout", timeout);
            return this;
        }

        /**
         * The store, once the settings fit together. Does not connect: the store connects on its first call, so it can
         * be built while Redis is down (see {@link RedisStore}). The builder may be used again afterwards; the store
         * does not see later changes.
         *
         * @return a new store, not connected yet
         * @throws IdempotencyConfigurationException if no Redis was chosen, if {@link #durableCompletion} is on and
         *                                           {@link #durableCompletionTimeout} is not shorter than
         *                                           {@link #socketTimeout}, or if a cluster was given a database other
         *                                           than 0
         */
        public RedisStore build() {
            check();
            return new RedisStore(settings());
        }

        /** That the settings fit together, as {@link #build} requires. */
        Builder check() {
            if (mode == null && client == null) {
                throw bad("no Redis given: call uri(…), standalone(…), sentinel(…), cluster(…) or client(…)");
            }
            if (durableReplicas > 0 && durableTimeout.compareTo(socketTimeout) >= 0) {
                throw bad("durableCompletionTimeout (" + durableTimeout + ") must be shorter than socketTimeout ("
                        + socketTimeout + "), which bounds the wait for the replicas' answer");
            }
            if (mode == RedisSettings.Mode.CLUSTER && database != 0) {
                throw bad("Redis Cluster has only database 0, but database was " + database);
            }
            return this;
        }

        /** What the builder holds now, frozen. */
        RedisSettings settings() {
            return new RedisSettings(mode, nodes, masterName, client, user, password, sentinelUser, sentinelPassword,
                    database, ssl, keyPrefix, connectTimeout, socketTimeout, poolSize, poolTimeout, clientName,
                    durableReplicas, durableTimeout, claimByScript);
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
