package dev.idempotency.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.IdempotencyStoreException;
import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.spi.Outcome;
import dev.idempotency.testkit.redis.RedisNode;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientPauseMode;

/**
 * What the store does when Redis misbehaves: foreign values, keys of another type, an unreachable or slow server,
 * lost scripts; on a password-protected server of the test's own.
 */
@RequiresRedis(servers = true)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RedisFaultsTest {

    /** Holds characters a URI would read as structure: the store must decode it and never print it. */
    private static final String SECRET = "s3cr@t/Pw";
    private static RedisNode node;
    private RedisStore store;
    private RedisTestService service;

    @BeforeAll
    static void startServer() {
        node = RedisNode.start(RedisNode.freePorts(7141, 1, false)[0], "--requirepass", SECRET);
    }

    @AfterAll
    static void stopServer() {
        if (node != null) {
            node.close();
        }
    }

    private static String uri() {
        return "redis://:" + SECRET + "@127.0.0.1:" + node.port;
    }

    private static Jedis admin() {
        Jedis jedis = SharedRedis.jedis(node);
        jedis.auth(SECRET);
        return jedis;
    }

    @BeforeEach
    void configure() {
        store = RedisStore.builder().uri(uri()).socketTimeout(Duration.ofMillis(300)).build();
        Idempotency.configure(IdempotencyConfig.builder().store(store).build());
        service = new RedisTestService();
    }

    @AfterEach
    void reset() {
        Idempotency.reset();
    }

    @Test
    void valuesThatAreNotOurRecordsAreStoreErrorsAndTheMethodDoesNotRun() {
        for (String foreign : new String[] {"garbage", "{\"owner\":\"x\",\"fingerprint\":\"y\"}", "v1:P3:o", "v1:Q",
                "v1:C2:fp,V5:x,", "v9:P1:o,1:f,", "\u0000\u0001binary"}) {
            String key = "foreign-" + UUID.randomUUID();
            String redisKey = store.redisKey(RedisTestService.NAMESPACE, key);
            try (Jedis jedis = admin()) {
                jedis.set(redisKey, foreign, redis.clients.jedis.params.SetParams.setParams().px(60_000));
            }
            assertThatThrownBy(() -> service.echo(key, "v")).as(foreign)
                    .isInstanceOf(IdempotencyStoreException.class)
                    .hasMessageContaining("is not an idempotency record")
                    .hasMessageContaining(redisKey)
                    .hasMessageContaining("'" + key + "'")
                    .satisfies(e -> assertThat(((IdempotencyStoreException) e).getKey()).isEqualTo(key))
                    .satisfies(e -> assertThat(((IdempotencyStoreException) e).getNamespace())
                            .isEqualTo(RedisTestService.NAMESPACE));
            try (Jedis jedis = admin()) {
                assertThat(jedis.get(redisKey)).as("left as it is").isEqualTo(foreign);
            }
        }
        assertThat(service.totalRuns()).isZero();
    }

    @Test
    void failOpenDoesNotBypassAServerThatAnsweredWithSomethingForeign() {
        Idempotency.configure(IdempotencyConfig.builder().store(store).failOpen(true).build());
        String garbage = "garbage-" + UUID.randomUUID();
        String wrongType = "list-" + UUID.randomUUID();
        try (Jedis jedis = admin()) {
            jedis.set(store.redisKey(RedisTestService.NAMESPACE, garbage), "garbage",
                    redis.clients.jedis.params.SetParams.setParams().px(60_000));
            jedis.rpush(store.redisKey(RedisTestService.NAMESPACE, wrongType), "a");
            jedis.pexpire(store.redisKey(RedisTestService.NAMESPACE, wrongType), 60_000);
        }
        for (String key : new String[] {garbage, wrongType}) {
            assertThatThrownBy(() -> service.echo(key, "v")).as(key).isInstanceOf(IdempotencyStoreException.class)
                    .satisfies(e -> assertThat(((IdempotencyStoreException) e).isUnreachable()).isFalse());
            assertThat(service.runs(key)).as("failOpen must not run " + key).isZero();
        }
    }

    @Test
    void aKeyOfAnotherRedisTypeIsAStoreErrorInEveryOperation() {
        String key = "list-" + UUID.randomUUID();
        String redisKey = store.redisKey(RedisTestService.NAMESPACE, key);
        try (Jedis jedis = admin()) {
            jedis.rpush(redisKey, "a", "b");
            jedis.pexpire(redisKey, 60_000);
        }
        assertThatThrownBy(() -> service.echo(key, "v")).isInstanceOf(IdempotencyStoreException.class)
                .hasMessageContaining("WRONGTYPE").hasMessageContaining(redisKey).hasMessageContaining(key);
        assertThat(service.runs(key)).isZero();
        String ns = RedisTestService.NAMESPACE;
        assertThatThrownBy(() -> store.read(ns, key)).hasMessageContaining("WRONGTYPE");
        assertThatThrownBy(() -> store.renew(ns, key, "o", Duration.ofSeconds(1))).hasMessageContaining("WRONGTYPE");
        assertThatThrownBy(() -> store.release(ns, key, "o")).hasMessageContaining("WRONGTYPE");
        assertThatThrownBy(() -> store.complete(ns, key, "o", Outcome.value("1"), Duration.ofSeconds(1)))
                .isInstanceOf(IdempotencyStoreException.class).hasMessageContaining("WRONGTYPE");
        try (Jedis jedis = admin()) {
            assertThat(jedis.lrange(redisKey, 0, -1)).containsExactly("a", "b");
        }
    }

    @Test
    void anUnreachableServerFailsClosedNamingTheServerButNeverThePassword() {
        RedisNode doomed = RedisNode.start(RedisNode.freePorts(node.port + 1, 1, false)[0], "--requirepass", SECRET);
        String doomedUri = "redis://default:" + SECRET + "@127.0.0.1:" + doomed.port;
        try (RedisStore other = RedisStore.create(doomedUri + "?connectTimeout=300ms&socketTimeout=300ms")) {
            Idempotency.configure(IdempotencyConfig.builder().store(other).build());
            assertThat(service.echo("before", "v")).startsWith("v#1");
            doomed.kill();
            assertThatThrownBy(() -> service.echo("after", "v")).isInstanceOf(IdempotencyStoreException.class)
                    .hasMessageContaining("redis://default:***@127.0.0.1:" + doomed.port)
                    .hasMessageContaining("unreachable")
                    .hasMessageContaining("'after'")
                    .satisfies(e -> assertThat(((IdempotencyStoreException) e).isUnreachable()).isTrue())
                    .satisfies(e -> assertThat(Arrays.toString(chain(e))).doesNotContain(SECRET));
            assertThat(service.runs("after")).isZero();
        } finally {
            doomed.close();
        }
        // a store whose server is gone is still built (it connects on first use), and its first call says why
        try (RedisStore gone = RedisStore.create(doomedUri + "?connectTimeout=300ms")) {
            assertThatThrownBy(() -> gone.claim("faults", "k", "o", "fp", Duration.ofSeconds(5)))
                    .isInstanceOf(IdempotencyStoreException.class)
                    .hasMessageContaining("Redis redis://default:***@127.0.0.1:" + doomed.port + " could not claim key")
                    .satisfies(e -> assertThat(((IdempotencyStoreException) e).isUnreachable()).isTrue())
                    .satisfies(e -> assertThat(Arrays.toString(chain(e))).doesNotContain(SECRET));
        }
        // nor with a wrong password, which it does not print either, and which is an answer, not "unreachable"
        try (RedisStore wrong = RedisStore.create("redis://:wrong-" + SECRET + "@127.0.0.1:" + node.port)) {
            assertThatThrownBy(() -> wrong.claim("faults", "k", "o", "fp", Duration.ofSeconds(5)))
                    .isInstanceOf(IdempotencyStoreException.class)
                    .satisfies(e -> assertThat(((IdempotencyStoreException) e).isUnreachable()).isFalse())
                    .satisfies(e -> assertThat(Arrays.toString(chain(e))).doesNotContain(SECRET));
        }
    }

    @Test
    void aServerThatDoesNotAnswerInTimeFailsClosedAndTheStoreRecovers() {
        assertThat(service.echo("warm", "v")).startsWith("v#1");
        try (Jedis jedis = admin()) {
            jedis.clientPause(1_000, ClientPauseMode.ALL);
        }
        long start = System.nanoTime();
        assertThatThrownBy(() -> service.echo("paused", "v")).isInstanceOf(IdempotencyStoreException.class)
                .hasMessageContaining("did not answer in time")
                .satisfies(e -> assertThat(((IdempotencyStoreException) e).isUnreachable()).isTrue());
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(900);
        assertThat(service.runs("paused")).isZero();
        RedisNode.await("the pause to end", Duration.ofSeconds(5), () -> {
            try {
                service.echo("after-pause", "v");
                return true;
            } catch (IdempotencyStoreException e) {
                return false;
            }
        });
        assertThat(service.runs("after-pause")).isEqualTo(1);
        // the timed-out claim may still have reached the server once it resumed: then the key is in progress until
        // its lease ends, and nobody runs it meanwhile; either way it never runs twice
        try {
            service.echo("paused", "v");
        } catch (dev.idempotency.IdempotencyInProgressException claimLandedLate) {
            assertThat(service.runs("paused")).isZero();
        }
        assertThat(service.runs("paused")).isLessThanOrEqualTo(1);
    }

    @Test
    void scriptsTheServerLostAreSentAgain() {
        String ns = "faults.scripts";
        store.claim(ns, "a", "o", "fp", Duration.ofSeconds(5));
        store.claim(ns, "b", "o", "fp", Duration.ofSeconds(5));
        store.claim(ns, "c", "o", "fp", Duration.ofSeconds(5));
        try (Jedis jedis = admin()) {
            jedis.scriptFlush();
            assertThat(jedis.scriptExists(LuaScript.COMPLETE.sha)).isFalse();
        }
        assertThat(store.renew(ns, "a", "o", Duration.ofSeconds(10))).isTrue();
        assertThat(store.complete(ns, "a", "o", Outcome.value("1"), Duration.ofMinutes(1))).isTrue();
        assertThat(store.release(ns, "b", "o")).isTrue();
        assertThat(store.read(ns, "a").outcome()).isEqualTo(Outcome.value("1"));
        try (Jedis jedis = admin()) {
            // the EVAL fallback cached them again: the next calls go by SHA
            assertThat(jedis.scriptExists(LuaScript.COMPLETE.sha, LuaScript.RELEASE.sha, LuaScript.RENEW.sha))
                    .containsOnly(true);
        }
        assertThat(store.complete(ns, "c", "o", Outcome.value("2"), Duration.ofMinutes(1))).isTrue();
    }

    @Test
    void closeClosesTheStoresConnections() {
        String name = "idem-close-" + UUID.randomUUID().toString().substring(0, 8);
        RedisStore own = RedisStore.create(uri() + "?clientName=" + name);
        for (int i = 0; i < 20; i++) {
            own.claim("faults.close", "k" + i, "o", "fp", Duration.ofSeconds(5));
        }
        assertThat(connectionsNamed(name)).isPositive();
        own.close();
        own.close();
        RedisNode.await("the store's connections to close", Duration.ofSeconds(5), () -> connectionsNamed(name) == 0);
        assertThatThrownBy(() -> own.read("faults.close", "k1")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
    }

    private static long connectionsNamed(String name) {
        try (Jedis jedis = admin()) {
            return jedis.clientList().lines().filter(l -> l.contains(" name=" + name + " ")).count();
        }
    }

    private static Throwable[] chain(Throwable e) {
        java.util.List<Throwable> all = new java.util.ArrayList<>();
        for (Throwable t = e; t != null && all.size() < 20; t = t.getCause()) {
            all.add(t);
        }
        return all.toArray(new Throwable[0]);
    }
}
