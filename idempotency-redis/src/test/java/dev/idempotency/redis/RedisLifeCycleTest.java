package dev.idempotency.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.IdempotencyStoreException;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.Outcome;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import dev.idempotency.testkit.redis.RedisNode;
import redis.clients.jedis.RedisClient;

/**
 * The life cycle every store of the library shares, attacked on real servers: built without the network, connects on
 * first use (and again after a failed try, on the same instance), "unreachable" only when Redis cannot be reached,
 * closes what it created and nothing else.
 */
@RequiresRedis(servers = true)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RedisLifeCycleTest {

    private static final String SECRET = "l1fe/cycle@Pw";
    private static final Duration LEASE = Duration.ofSeconds(30);

    @Test
    void aStoreForAPortWhereNothingListensIsBuiltAndWorksOnceRedisStartsThere() {
        int port = RedisNode.freePorts(7161, 1, false)[0];
        String uri = "redis://127.0.0.1:" + port + "?connectTimeout=300ms&socketTimeout=300ms";
        RedisStore.create(uri).close(); // loads the classes, so the time below is the build's own
        long start = System.nanoTime();
        RedisStore store = RedisStore.create(uri);
        // bounded well below one connect timeout; buildingMakesNoConnectionAtAll shows no socket is even opened
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("built without trying to connect")
                .isLessThan(250);
        try (store) {
            assertThat(store.isConnected()).isFalse();
            assertThat(store.describe()).isEqualTo("redis(redis://127.0.0.1:" + port + ", not connected yet,"
                    + " keyPrefix 'idem:')");
            for (int attempt = 0; attempt < 2; attempt++) {
                assertThatThrownBy(() -> store.claim("life", "k", "o", "fp", LEASE))
                        .isInstanceOf(IdempotencyStoreException.class)
                        .hasMessageContaining("Redis redis://127.0.0.1:" + port + " could not claim key 'k'")
                        .hasMessageContaining("unreachable")
                        .satisfies(e -> assertThat(((IdempotencyStoreException) e).isUnreachable()).isTrue())
                        .satisfies(e -> assertThat(((IdempotencyStoreException) e).getKey()).isEqualTo("k"));
            }
            assertThatThrownBy(() -> store.read("life", "k")).isInstanceOf(IdempotencyStoreException.class)
                    .satisfies(e -> assertThat(((IdempotencyStoreException) e).isUnreachable()).isTrue());
            try (RedisNode node = RedisNode.start(port)) {
                // the same instance, not rebuilt: the next call connects
                assertThat(store.claim("life", "k", "o", "fp", LEASE)).isEqualTo(ClaimResult.CLAIMED);
                assertThat(store.complete("life", "k", "o", Outcome.value("1"), Duration.ofMinutes(1))).isTrue();
                assertThat(store.read("life", "k").outcome()).isEqualTo(Outcome.value("1"));
                assertThat(store.isConnected()).isTrue();
                assertThat(store.describe()).startsWith("redis(redis://127.0.0.1:" + port + ", Redis ");
                try (var jedis = SharedRedis.jedis(node)) {
                    assertThat(jedis.scriptExists(LuaScript.COMPLETE.sha, LuaScript.RELEASE.sha)).containsOnly(true);
                }
            }
        }
    }

    @Test
    void buildingMakesNoConnectionAtAll() throws IOException {
        // a listener that only counts: the store must not even open a TCP connection before its first call
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = listener.getLocalPort();
            List<IdempotencyStore> stores = List.of(
                    RedisStore.create("redis://:" + SECRET + "@127.0.0.1:" + port),
                    RedisStore.create("rediss://127.0.0.1:" + port),
                    RedisStore.create("redis-sentinel://127.0.0.1:" + port + "/mymaster"),
                    RedisStore.create("redis-cluster://127.0.0.1:" + port),
                    new RedisStoreProvider().create("redis://127.0.0.1:" + port + "?durableCompletion=1"
                            + "&durableCompletionTimeout=500ms", java.time.Clock.systemUTC()));
            try {
                listener.setSoTimeout(300);
                assertThatThrownBy(listener::accept).as("no connection").isInstanceOf(SocketTimeoutException.class);
                for (IdempotencyStore store : stores) {
                    assertThat(store.describe()).as("describe() does not connect either").contains("not connected yet")
                            .doesNotContain(SECRET);
                }
                assertThatThrownBy(listener::accept).isInstanceOf(SocketTimeoutException.class);
            } finally {
                stores.forEach(IdempotencyStore::close);
            }
        }
    }

    @Test
    void aSentinelOrClusterThatIsNotThereIsUnreachableOnFirstUseNotAtBuild() {
        int[] ports = RedisNode.freePorts(7163, 2, false);
        for (String uri : List.of("redis-sentinel://127.0.0.1:" + ports[0] + "/mymaster?connectTimeout=300ms",
                "redis-cluster://127.0.0.1:" + ports[1] + "?connectTimeout=300ms")) {
            try (RedisStore store = RedisStore.create(uri)) {
                assertThatThrownBy(() -> store.claim("life", "k", "o", "fp", LEASE)).as(uri)
                        .isInstanceOf(IdempotencyStoreException.class)
                        .hasMessageContaining("127.0.0.1:" + ports[uri.startsWith("redis-sentinel") ? 0 : 1])
                        .satisfies(e -> assertThat(((IdempotencyStoreException) e).isUnreachable()).isTrue());
            }
        }
    }

    @Test
    void callsArrivingWhileTheStoreConnectsShareThatOneTry() throws Exception {
        // a server that accepts and never answers: each try lasts the socket timeout
        try (ServerSocket silent = new ServerSocket()) {
            silent.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            AtomicInteger accepted = new AtomicInteger();
            List<Socket> held = new CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                        accepted.incrementAndGet();
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "silent-redis");
            acceptor.setDaemon(true);
            acceptor.start();
            int threads = 8;
            try (RedisStore store = RedisStore.create("redis://127.0.0.1:" + silent.getLocalPort()
                    + "?connectTimeout=500ms&socketTimeout=800ms")) {
                CountDownLatch go = new CountDownLatch(1);
                List<Throwable> errors = new CopyOnWriteArrayList<>();
                List<Thread> callers = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    String key = "k" + i;
                    Thread t = new Thread(() -> {
                        try {
                            go.await();
                            store.claim("life", key, "o", "fp", LEASE);
                        } catch (Throwable e) {
                            errors.add(e);
                        }
                    });
                    t.start();
                    callers.add(t);
                }
                long start = System.nanoTime();
                go.countDown();
                for (Thread t : callers) {
                    t.join(30_000);
                }
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(errors).hasSize(threads).allSatisfy(e -> assertThat(e)
                        .isInstanceOf(IdempotencyStoreException.class)
                        .satisfies(s -> assertThat(((IdempotencyStoreException) s).isUnreachable()).isTrue()));
                // one try for all (a caller that came just after it ended may make a second), not one per caller
                assertThat(accepted.get()).as("connections the tries opened").isBetween(1, 2);
                assertThat(millis).as("callers waited for one try, not for eight in a row").isLessThan(6_000);
            } finally {
                silent.close();
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aWrongPasswordIsAStoreErrorThatIsNotUnreachable() {
        try (RedisNode node = RedisNode.start(RedisNode.freePorts(7166, 1, false)[0], "--requirepass", SECRET)) {
            for (String uri : List.of("redis://:wrong-" + SECRET + "@127.0.0.1:" + node.port,
                    "redis://127.0.0.1:" + node.port /* NOAUTH */)) {
                try (RedisStore store = RedisStore.create(uri)) {
                    for (int attempt = 0; attempt < 2; attempt++) {
                        assertThatThrownBy(() -> store.claim("life", "k", "o", "fp", LEASE)).as(uri)
                                .isInstanceOf(IdempotencyStoreException.class)
                                .hasMessageContaining("127.0.0.1:" + node.port)
                                .satisfies(e -> assertThat(((IdempotencyStoreException) e).isUnreachable())
                                        .as("an answer, which failOpen must not hide").isFalse())
                                .satisfies(e -> assertThat(chain(e)).doesNotContain(SECRET));
                    }
                }
            }
            try (RedisStore store = RedisStore.create("redis://:" + SECRET.replace("@", "%40").replace("/", "%2F")
                    + "@127.0.0.1:" + node.port)) {
                assertThat(store.claim("life", "k", "o", "fp", LEASE)).isEqualTo(ClaimResult.CLAIMED);
            }
        }
    }

    @Test
    void anApplicationsClientStaysOpenAfterCloseAndTheClosedStoreSaysSo() {
        String prefix = SharedRedis.prefix("lifecycle");
        try (RedisClient client = RedisClient.create(RedisCheck.HOST, RedisCheck.PORT)) {
            RedisStore store = RedisStore.builder().client(client).keyPrefix(prefix).build();
            assertThat(store.claim("life", "k", "o", "fp", LEASE)).isEqualTo(ClaimResult.CLAIMED);
            store.close();
            store.close();
            assertThat(client.ping()).as("the application's client is still open").isEqualTo("PONG");
            assertThat(client.get(store.redisKey("life", "k"))).as("and still serves").isNotNull();
            assertThatThrownBy(() -> store.read("life", "k")).isInstanceOf(IllegalStateException.class)
                    .hasMessage("the Redis store on application client RedisClient is closed");
            assertThatThrownBy(() -> store.claim("life", "k2", "o", "fp", LEASE))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
        } finally {
            SharedRedis.deleteKeys(prefix);
        }
    }

    @Test
    void aStoreClosedBeforeItEverConnectedNeverConnects() {
        RedisStore store = RedisStore.create(SharedRedis.URI);
        store.close();
        assertThatThrownBy(() -> store.claim("life", "k", "o", "fp", LEASE)).isInstanceOf(IllegalStateException.class)
                .hasMessage("the Redis store on " + SharedRedis.URI + " is closed");
        assertThat(store.isConnected()).isFalse();
        store.close();
    }

    private static String chain(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null && sb.length() < 100_000; t = t.getCause()) {
            sb.append(t).append('\n');
        }
        return sb.toString();
    }
}
