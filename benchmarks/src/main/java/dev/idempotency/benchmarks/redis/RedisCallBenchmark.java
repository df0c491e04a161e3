package dev.idempotency.benchmarks.redis;

import dev.idempotency.benchmarks.Receipt;
import dev.idempotency.benchmarks.TransferRequest;
import dev.idempotency.benchmarks.TransferService;
import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.redis.RedisStore;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * The woven {@code @Idempotent} call on the Redis store against a raw Jedis {@code SET key value NX PX} from the same
 * JVM, in the same run, on the same server, with pools of the same size:
 *
 * <ul>
 *   <li>{@code firstExecution_idempotent}: a fresh request id per call: claim ({@code SET … NX PX … GET}), body,
 *       complete ({@code EVALSHA}); {@code firstExecution_rawSetNx}: a fresh key per call, one {@code SET … NX PX}.</li>
 *   <li>{@code replay_idempotent}: one recorded request, over and over: with {@code nearCache=false}, claim (which
 *       returns the record), payload check, decoding; with {@code nearCache=true} (the library's default), the
 *       payload check against the runtime's near cache, and no command at all; {@code replay_rawSetNx}: one existing
 *       key, over and over ({@code SET … NX PX}, nil); {@code replay_rawGet}: a {@code GET} of one existing key, the
 *       least a read of a record from Redis costs.</li>
 * </ul>
 *
 * Run it through {@link RedisThroughput}, which runs it at 1, 8 and 32 threads and prints the ratios. With
 * {@code -p durableCompletion=0,1} on a server with a replica, the same run measures what durable completion costs. Every variant
 * checks itself: the service must be woven, a woven first execution must run the body once per key, a replay never,
 * a raw SET NX must answer OK for a fresh key and nil for the existing one, and a raw GET the existing key's value.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RedisCallBenchmark {

    /** Records and raw keys expire after this, so a run does not fill the server. */
    static final Duration TTL = Duration.ofSeconds(30);
    private static final String FROM = "DE89370400440532013000";
    private static final String TO = "FR1420041010050500013M02606";
    /** About the size of an in-progress record, so both sides send similar bytes. */
    private static final String RAW_VALUE = "v1:P19:0123456789abcdef-1,43:" + "x".repeat(43) + ",";

    @State(Scope.Benchmark)
    public static class Redis {
        @Param("127.0.0.1")
        public String host;
        @Param("6379")
        public int port;
        /** Connections per pool, for the store and for the raw client alike. */
        @Param("32")
        public int poolSize;
        /**
         * The store's {@code durableCompletion}: 0 (off) or the replicas each completion waits for ({@code WAIT});
         * give the server that many replicas, e.g. {@code -p port=7201 -p durableCompletion=0,1}.
         */
        @Param("0")
        public int durableCompletion;
        /** The runtime's near cache: on (its default bound) or off; {@code -p nearCache=true,false} compares them. */
        @Param("true")
        public boolean nearCache;

        RedisStore store;
        RedisClient raw;
        String run;
        final SetParams rawParams = SetParams.setParams().nx().px(TTL.toMillis());

        @Setup(Level.Trial)
        public void open() {
            run = UUID.randomUUID().toString().substring(0, 8);
            store = RedisStore.create("redis://" + host + ":" + port + "?poolSize=" + poolSize + "&keyPrefix=bench:"
                    + run + ":" + (durableCompletion > 0 ? "&durableCompletion=" + durableCompletion : ""));
            Idempotency.configure(IdempotencyConfig.builder().store(store).defaultTtl(TTL)
                    .nearCacheMaxEntries(nearCache ? IdempotencyConfig.DEFAULT_NEAR_CACHE_MAX_ENTRIES : 0).build());
            ConnectionPoolConfig pool = new ConnectionPoolConfig();
            pool.setMaxTotal(poolSize);
            pool.setMaxIdle(poolSize);
            pool.setJmxEnabled(false);
            raw = RedisClient.builder().hostAndPort(host, port).poolConfig(pool)
                    .clientConfig(DefaultJedisClientConfig.builder().timeoutMillis(2_000).build()).build();
        }

        @TearDown(Level.Trial)
        public void close() {
            long shortOfReplicas = store.completionsShortOfReplicas();
            Idempotency.reset();
            raw.close();
            if (shortOfReplicas > 0) {
                throw new IllegalStateException(shortOfReplicas + " completions were short of their " + durableCompletion
                        + " replicas: the measurement includes timeouts; give the server its replicas");
            }
        }
    }

    /** One caller thread: its own service, its own request ids and raw keys. */
    @State(Scope.Thread)
    public static class Caller {
        private static final AtomicInteger THREADS = new AtomicInteger();

        final TransferService service = new TransferService();
        String prefix;
        String rawPrefix;
        long sequence;
        long sequenceAtStart;
        long executionsAtStart;
        TransferRequest known;
        String knownRawKey;

        TransferRequest next() {
            return new TransferRequest(prefix.concat(Long.toString(++sequence)), FROM, TO, 12_345, "EUR");
        }

        String nextRawKey() {
            return rawPrefix.concat(Long.toString(++sequence));
        }

        @Setup(Level.Trial)
        public void prepare(Redis redis) {
            int thread = THREADS.incrementAndGet();
            prefix = "req-" + thread + "-";
            rawPrefix = "bench:" + redis.run + ":raw:" + thread + ":";
            known = new TransferRequest(prefix + "known", FROM, TO, 12_345, "EUR");
            long before = service.executions();
            Receipt first = service.transfer(known);
            Receipt again = service.transfer(known);
            if (service.executions() != before + 1 || !first.equals(again)) {
                throw new IllegalStateException("TransferService.transfer is not woven with the idempotency aspect:"
                        + " two calls with one key ran the body " + (service.executions() - before) + " times");
            }
            knownRawKey = rawPrefix + "known";
            redis.raw.set(knownRawKey, RAW_VALUE, SetParams.setParams().px(Duration.ofMinutes(10).toMillis()));
        }

        @Setup(Level.Iteration)
        public void mark() {
            sequenceAtStart = sequence;
            executionsAtStart = service.executions();
        }

        @TearDown(Level.Iteration)
        public void checkRuns(BenchmarkParams params) {
            long ran = service.executions() - executionsAtStart;
            long expected = params.getBenchmark().endsWith("firstExecution_idempotent") ? sequence - sequenceAtStart : 0;
            if (ran != expected) {
                throw new IllegalStateException(params.getBenchmark() + ": the body ran " + ran + " times, expected "
                        + expected);
            }
        }
    }

    @Benchmark
    public Receipt firstExecution_idempotent(Caller caller) {
        return caller.service.transfer(caller.next());
    }

    @Benchmark
    public String firstExecution_rawSetNx(Redis redis, Caller caller) {
        String reply = redis.raw.set(caller.nextRawKey(), RAW_VALUE, redis.rawParams);
        if (reply == null) {
            throw new IllegalStateException("a fresh key was taken");
        }
        return reply;
    }

    @Benchmark
    public Receipt replay_idempotent(Caller caller) {
        return caller.service.transfer(caller.known);
    }

    @Benchmark
    public String replay_rawGet(Redis redis, Caller caller) {
        String reply = redis.raw.get(caller.knownRawKey);
        if (reply == null) {
            throw new IllegalStateException("the existing key was gone");
        }
        return reply;
    }

    @Benchmark
    public String replay_rawSetNx(Redis redis, Caller caller) {
        String reply = redis.raw.set(caller.knownRawKey, RAW_VALUE, redis.rawParams);
        if (reply != null) {
            throw new IllegalStateException("the existing key was free");
        }
        return reply;
    }
}
