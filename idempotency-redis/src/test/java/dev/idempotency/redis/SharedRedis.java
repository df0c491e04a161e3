package dev.idempotency.redis;

import dev.idempotency.testkit.redis.RedisNode;
import java.util.UUID;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The shared server at 127.0.0.1:6379: other builds use it too, so every test works under a key prefix of its own
 * and deletes its keys afterwards (they would expire anyway). Never FLUSHALL.
 */
final class SharedRedis {

    static final String URI = "redis://" + RedisCheck.HOST + ":" + RedisCheck.PORT;

    private SharedRedis() {
    }

    /** A prefix no other run uses, e.g. {@code idemtest:StoreSuite:1a2b3c4d:}. */
    static String prefix(String test) {
        return "idemtest:" + test + ":" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    static RedisStore store(String prefix) {
        return RedisStore.builder().standalone(RedisCheck.HOST, RedisCheck.PORT).keyPrefix(prefix).build();
    }

    static Jedis jedis() {
        return jedis(RedisCheck.PORT);
    }

    /** A plain connection to a server the test started, for set-up and checks; the caller closes it. */
    static Jedis jedis(RedisNode node) {
        return jedis(node.port);
    }

    private static Jedis jedis(int port) {
        return new Jedis(new HostAndPort(RedisCheck.HOST, port), DefaultJedisClientConfig.builder()
                .serverDefaultProtocol().timeoutMillis(5_000).build());
    }

    /** Deletes the keys under the prefix; bounded. */
    static void deleteKeys(String prefix) {
        if (!RedisCheck.answersPing(RedisCheck.HOST, RedisCheck.PORT)) {
            return;
        }
        try (Jedis jedis = jedis()) {
            String cursor = ScanParams.SCAN_POINTER_START;
            ScanParams match = new ScanParams().match(prefix + "*").count(1_000);
            for (int i = 0; i < 100_000; i++) {
                ScanResult<String> page = jedis.scan(cursor, match);
                if (!page.getResult().isEmpty()) {
                    jedis.del(page.getResult().toArray(new String[0]));
                }
                cursor = page.getCursor();
                if (cursor.equals(ScanParams.SCAN_POINTER_START)) {
                    return;
                }
            }
        }
    }
}
