/**
 * The Redis store: {@link dev.idempotency.redis.RedisStore}, built from a store URI ({@code redis://},
 * {@code rediss://}, {@code redis-sentinel://}, {@code redis-cluster://}) or with its
 * {@link dev.idempotency.redis.RedisStore.Builder}, on one server, behind Sentinel or on a Cluster, through Jedis.
 *
 * <p>Applications that name the store by URI ({@code -Didempotency.store=redis://…}) need only this module on the
 * class path: {@link dev.idempotency.redis.RedisStoreProvider} is found through {@link java.util.ServiceLoader}. The
 * store's other classes are package-private.
 */
package dev.idempotency.redis;
