/** The Redis store, on Jedis: one server, Sentinel or Cluster ({@code redis://}, {@code redis-sentinel://}, …). */
module dev.idempotency.redis {
    requires transitive dev.idempotency.core;
    requires transitive redis.clients.jedis;

    exports dev.idempotency.redis;

    provides dev.idempotency.spi.IdempotencyStoreProvider with dev.idempotency.redis.RedisStoreProvider;
}
