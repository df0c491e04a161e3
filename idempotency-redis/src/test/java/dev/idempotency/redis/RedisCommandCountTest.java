package dev.idempotency.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.testkit.redis.RedisNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/**
 * Commands per call, counted by the server (a server of the test's own, so nothing else adds to the counts): a first
 * execution sends two commands ({@code SET … NX PX … GET}, then {@code EVALSHA} of the complete script), a replay
 * one ({@code SET … NX PX … GET}), a WAIT poll one ({@code GET}). {@code INFO commandstats} also counts the
 * commands a script runs inside the server, so it shows {@code set=2, get=1, evalsha=1} for a first execution;
 * {@code MONITOR}, which marks script commands as {@code lua}, shows which of them came from the client.
 */
@RequiresRedis(servers = true)
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class RedisCommandCountTest {

    private static RedisNode node;
    private RedisTestService service;
    private RedisStore store;

    @BeforeAll
    static void startServer() {
        node = RedisNode.start(RedisNode.freePorts(7131, 1, false)[0]);
    }

    @AfterAll
    static void stopServer() {
        if (node != null) {
            node.close();
        }
    }

    @BeforeEach
    void configure() {
        store = RedisStore.builder().standalone("127.0.0.1", node.port).build();
        // the store's own round trips: with the near cache, a replay in this runtime sends none (RedisNearCacheTest)
        Idempotency.configure(IdempotencyConfig.builder().store(store).nearCacheMaxEntries(0).build());
        service = new RedisTestService();
        // the first calls open a connection (HELLO, CLIENT SETINFO) and compile the method's plan
        service.echo("warm-up", "v");
        service.echo("warm-up", "v");
    }

    @AfterEach
    void reset() {
        Idempotency.reset();
    }

    @Test
    void aFirstExecutionTakesTwoCommandsAndAReplayOneByCommandstats() {
        try (Jedis admin = SharedRedis.jedis(node)) {
            admin.configResetStat();
            String first = service.echo("k-1", "v");
            assertThat(commandstats(admin)).as("first execution: SET (claim), EVALSHA (complete: GET, SET inside)")
                    .isEqualTo(Map.of("set", 2L, "evalsha", 1L, "get", 1L));

            admin.configResetStat();
            assertThat(service.echo("k-1", "v")).isEqualTo(first);
            assertThat(commandstats(admin)).as("replay: SET (claim, which returns the record)")
                    .isEqualTo(Map.of("set", 1L));

            admin.configResetStat();
            assertThat(store.read(RedisTestService.NAMESPACE, "k-1")).isNotNull();
            assertThat(commandstats(admin)).as("a WAIT poll").isEqualTo(Map.of("get", 1L));
        }
        assertThat(service.runs("k-1")).isEqualTo(1);
    }

    @Test
    void monitorShowsWhichCommandsCameFromTheClient() throws Exception {
        Process monitor = new ProcessBuilder("redis-cli", "-p", String.valueOf(node.port), "monitor")
                .redirectErrorStream(true).start();
        try {
            BlockingQueue<String> lines = ProcessLines.of(monitor);
            assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo("OK");
            try (Jedis admin = SharedRedis.jedis(node)) {
                service.echo("k-2", "v");
                admin.echo("--- replay ---");
                service.echo("k-2", "v");
                admin.echo("--- end ---");
            }
            List<String> seen = new ArrayList<>();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (seen.stream().noneMatch(l -> l.contains("--- end ---")) && System.nanoTime() < end) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null) {
                    seen.add(line);
                }
            }
            // e.g. 1732671234.123456 [0 127.0.0.1:54321] "SET" "idem:…" … / 1732671234.123460 [0 lua] "GET" "idem:…"
            List<String> commands = seen.stream()
                    .map(l -> l.replaceAll("^\\S+ \\[\\d+ (lua|[^\\]]+)\\] \"([A-Za-z]+)\".*$", "$1 $2"))
                    .map(l -> l.startsWith("lua ") ? l : "client " + l.substring(l.indexOf(' ') + 1))
                    .map(l -> l.toLowerCase(java.util.Locale.ROOT))
                    .toList();
            assertThat(commands).containsExactly(
                    "client set", "client evalsha", "lua get", "lua set",
                    "client echo",
                    "client set",
                    "client echo");
        } finally {
            monitor.destroyForcibly();
            monitor.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Calls per command since the last CONFIG RESETSTAT, without the admin connection's own commands. */
    static Map<String, Long> commandstats(Jedis admin) {
        Map<String, Long> calls = new TreeMap<>();
        for (String line : admin.info("commandstats").split("\r?\n")) {
            if (!line.startsWith("cmdstat_")) {
                continue;
            }
            String name = line.substring("cmdstat_".length(), line.indexOf(':'));
            long n = Long.parseLong(line.replaceAll("^cmdstat_[^:]+:calls=(\\d+),.*$", "$1"));
            if (!name.equals("info") && !name.startsWith("config")) {
                calls.put(name, n);
            }
        }
        return calls;
    }
}
