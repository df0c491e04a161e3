package dev.idempotency.redis;

import dev.idempotency.IdempotencyConfigurationException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.util.JedisClusterCRC16;
import redis.clients.jedis.util.KeyValue;

/**
 * The complete script, then {@code WAITAOF 0 N timeout} (Redis 7.2+: N replicas have the record in their AOF) or
 * {@code WAIT N timeout} (N replicas have received it), pipelined on one connection, since both wait for the writes of
 * their own connection. The caller gets its result only after that, so a failover that promotes an acknowledging
 * replica keeps the record. Fewer acknowledgements in time leave the record on the master only: still recorded (the
 * method never runs twice because of it), reported as a warning at most every 10 s and counted.
 */
final class DurableCompletion {

    private static final System.Logger LOG = System.getLogger("dev.idempotency.redis");
    private static final long REPORT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final int replicas;
    private final long timeoutMillis;
    private final LongAdder shortOfReplicas = new LongAdder();
    private final AtomicLong reportedAt = new AtomicLong(System.nanoTime() - REPORT_EVERY_NANOS);
    private final AtomicLong sinceReport = new AtomicLong();

    /** The complete script's reply, and how many replicas acknowledged the write in time. */
    record Completed(Object reply, long acknowledged) {
    }

    DurableCompletion(int replicas, Duration timeout) {
        this.replicas = replicas;
        this.timeoutMillis = timeout.toMillis();
    }

    /** Whether completions wait for replicas at all (the option is not 0). */
    boolean enabled() {
        return replicas > 0;
    }

    /** Runs the complete script on the key's master and waits for the replicas, on one connection. */
    Completed complete(RedisConnection.Connected redis, byte[] redisKey, List<byte[]> args) {
        List<byte[]> keys = List.of(redisKey);
        try (Pipeline pipeline = pipelineFor(redis.client, redisKey)) {
            Response<Object> completed = pipeline.evalsha(LuaScript.COMPLETE.shaBytes, keys, args);
            Response<?> waited = waitForReplicas(pipeline, redis.waitAof);
            pipeline.sync();
            Object reply;
            try {
                reply = completed.get();
            } catch (JedisNoScriptException e) {
                completed = pipeline.eval(LuaScript.COMPLETE.sourceBytes, keys, args);
                waited = waitForReplicas(pipeline, redis.waitAof);
                pipeline.sync();
                reply = completed.get();
            }
            long acknowledged = waited.get() instanceof KeyValue<?, ?> aof ? (Long) aof.getValue() : (Long) waited.get();
            return new Completed(reply, acknowledged);
        }
    }

    private Response<?> waitForReplicas(Pipeline pipeline, boolean waitAof) {
        return waitAof ? pipeline.waitAOF(0, replicas, timeoutMillis) : pipeline.waitReplicas(replicas, timeoutMillis);
    }

    /** A pipeline on one connection to the master that holds the key. */
    private static Pipeline pipelineFor(UnifiedJedis client, byte[] redisKey) {
        if (client instanceof RedisClusterClient cluster) {
            return new Pipeline(cluster.getConnectionFromSlot(JedisClusterCRC16.getSlot(redisKey)), true);
        }
        return (Pipeline) client.pipelined();
    }

    /** A record was written: counts and reports it if fewer replicas than asked acknowledged it. */
    void recorded(String namespace, String key, long acknowledged, Supplier<String> server) {
        if (acknowledged >= replicas) {
            return;
        }
        shortOfReplicas.increment();
        sinceReport.incrementAndGet();
        long now = System.nanoTime();
        long last = reportedAt.get();
        if (now - last >= REPORT_EVERY_NANOS && reportedAt.compareAndSet(last, now)) {
            LOG.log(System.Logger.Level.WARNING, "idempotency: key '" + key + "' (namespace " + namespace
                    + ") is recorded on the master of " + server.get() + ", but only " + acknowledged + " of "
                    + replicas + " replicas acknowledged it within " + timeoutMillis + " ms ("
                    + sinceReport.getAndSet(0) + " completions short of their replicas since the last report);"
                    + " a failover before they catch up can lose such a record, and its key can then run again");
        }
    }

    long shortOfReplicas() {
        return shortOfReplicas.sum();
    }

    /**
     * Durable completion pipelines the wait with the write on one connection: an application's client must too. (Asks
     * the client for a pipeline, which takes a connection: so this runs when the store connects, not when it is built.)
     */
    static void checkPipelinesOnOneConnection(UnifiedJedis client) {
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
}
