package dev.idempotency.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.IdempotencyInProgressException;
import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.testkit.redis.RedisNode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;

/**
 * Several JVMs on one Redis (127.0.0.1:6379): the children run {@link ChildJvm}, woven, with the store from
 * {@code -Didempotency.store=redis://…}. Executions are counted in Redis itself and by each JVM.
 */
@RequiresRedis
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CrossProcessTest {

    private static final String PREFIX = SharedRedis.prefix("processes");
    private static final String COUNTERS = PREFIX + "count:";
    private static final List<Process> CHILDREN = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> CHILDREN.forEach(Process::destroyForcibly)));
    }

    private RedisClient counters;
    private ChildJvm.Work work;

    @BeforeEach
    void configure() {
        Idempotency.configure(IdempotencyConfig.builder().store(SharedRedis.store(PREFIX)).build());
        counters = RedisClient.create(RedisCheck.HOST, RedisCheck.PORT);
        work = new ChildJvm.Work(counters, COUNTERS, "parent");
    }

    @AfterEach
    void reset() {
        for (Process p : CHILDREN) {
            p.destroyForcibly();
        }
        CHILDREN.clear();
        Idempotency.reset();
        counters.close();
    }

    @AfterAll
    static void deleteKeys() {
        SharedRedis.deleteKeys(PREFIX);
    }

    @Test
    void fourJvmsWithEightThreadsRunEachOfTwoThousandKeysExactlyOnce(@TempDir Path dir) throws Exception {
        int jvms = 4;
        int keys = 2_000;
        Path go = dir.resolve("go");
        List<Process> processes = new ArrayList<>();
        for (int j = 0; j < jvms; j++) {
            processes.add(start(dir.resolve("jvm-" + j + ".log"), "multi", COUNTERS, "jvm-" + j,
                    String.valueOf(keys), "8", go.toString(), dir.resolve("jvm-" + j + ".out").toString()));
        }
        RedisNode.await("all child JVMs ready", Duration.ofSeconds(90), () -> {
            for (int j = 0; j < jvms; j++) {
                if (!processes.get(j).isAlive() || !read(dir.resolve("jvm-" + j + ".log")).contains("READY")) {
                    assertThat(processes.get(j).isAlive()).as(read(dir.resolve("jvm-" + j + ".log"))).isTrue();
                    return false;
                }
            }
            return true;
        });
        long start = System.nanoTime();
        Files.createFile(go);
        for (int j = 0; j < jvms; j++) {
            Process p = processes.get(j);
            assertThat(p.waitFor(150, TimeUnit.SECONDS)).as("jvm-" + j + " finished").isTrue();
            assertThat(p.exitValue()).as(read(dir.resolve("jvm-" + j + ".log"))).isZero();
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        List<String> executions = new ArrayList<>();
        Map<String, String> executor = new HashMap<>();
        Map<String, Set<String>> results = new HashMap<>();
        List<String> errors = new ArrayList<>();
        for (int j = 0; j < jvms; j++) {
            int replies = 0;
            for (String line : Files.readAllLines(dir.resolve("jvm-" + j + ".out"), StandardCharsets.UTF_8)) {
                String[] parts = line.split(" ", 3);
                switch (parts[0]) {
                    case "X" -> {
                        executions.add(parts[1]);
                        executor.put(parts[1], "jvm-" + j);
                    }
                    case "R" -> {
                        results.computeIfAbsent(parts[1], k -> new HashSet<>()).add(parts[2]);
                        replies++;
                    }
                    default -> errors.add("jvm-" + j + ": " + line);
                }
            }
            assertThat(replies).as("jvm-" + j + " got a result for every key").isEqualTo(keys);
        }
        assertThat(errors).isEmpty();
        assertThat(executions).as("executions across all JVMs").hasSize(keys).doesNotHaveDuplicates();
        assertThat(new HashSet<>(executions)).hasSize(keys);
        for (Map.Entry<String, Set<String>> e : results.entrySet()) {
            assertThat(e.getValue()).as("every JVM got the executor's result for " + e.getKey())
                    .containsExactly(executor.get(e.getKey()) + ":" + e.getKey());
        }
        // and Redis counted one run per key
        try (Jedis jedis = SharedRedis.jedis()) {
            for (int from = 0; from < keys; from += 500) {
                String[] names = new String[500];
                for (int i = 0; i < 500; i++) {
                    names[i] = COUNTERS + "key-" + (from + i);
                }
                assertThat(jedis.mget(names)).as("counters from key-" + from).containsOnly("1");
            }
        }
        Map<String, Long> perJvm = new HashMap<>();
        executor.values().forEach(j -> perJvm.merge(j, 1L, Long::sum));
        System.out.println("4 JVMs x 8 threads x " + keys + " keys: " + millis + " ms, executions per JVM " + perJvm);
    }

    @Test
    void aHolderKilledWithSigkillIsTakenOverAfterItsLeaseAndRunOnceMore(@TempDir Path dir) throws Exception {
        String key = "held-" + UUID.randomUUID();
        Process holder = start(null, "hold", COUNTERS, key);
        BlockingQueue<String> lines = ProcessLines.of(holder);
        awaitLine(lines, "ENTERED " + key, holder);
        holder.destroyForcibly(); // kill -9, inside the method, with the claim renewed every ~0.7 s
        assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();
        long killed = System.nanoTime();

        assertThatThrownBy(() -> work.hold(key, 0)).as("the dead holder's lease (2 s) is still running")
                .isInstanceOf(IdempotencyInProgressException.class);
        String result = null;
        int refused = 0;
        long deadline = killed + TimeUnit.SECONDS.toNanos(10);
        while (result == null && System.nanoTime() < deadline) {
            try {
                result = work.hold(key, 0);
            } catch (IdempotencyInProgressException e) {
                refused++;
                Thread.sleep(50);
            }
        }
        long tookOver = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        assertThat(result).as("taken over within 10 s of the kill").isEqualTo("parent:" + key);
        assertThat(tookOver).as("not before the lease ran out").isGreaterThan(500);
        assertThat(refused).isPositive();
        assertThat(counter(key)).as("the holder's run and the taker's").isEqualTo(2);
        assertThat(work.hold(key, 0)).isEqualTo("parent:" + key);
        assertThat(counter(key)).isEqualTo(2);
        System.out.println("taken over " + tookOver + " ms after the kill, after " + refused + " refusals");
    }

    @Test
    void aHolderSlowerThanItsLeaseKeepsItsClaimByRenewalAndRunsOnce(@TempDir Path dir) throws Exception {
        String key = "slow-" + UUID.randomUUID();
        Process holder = start(null, "slow", COUNTERS, key, "1500");
        BlockingQueue<String> lines = ProcessLines.of(holder);
        awaitLine(lines, "ENTERED " + key, holder);
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_100);
        int refused = 0;
        while (System.nanoTime() < end) {
            assertThatThrownBy(() -> work.slow(key, 0)).as("the lease is 300 ms, the call 1.5 s: renewal keeps it")
                    .isInstanceOf(IdempotencyInProgressException.class);
            refused++;
            Thread.sleep(100);
        }
        awaitLine(lines, "RESULT slow:" + key, holder);
        assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(refused).isGreaterThanOrEqualTo(5);
        assertThat(work.slow(key, 0)).isEqualTo("slow:" + key);
        assertThat(counter(key)).isEqualTo(1);
    }

    // ---- helpers ----

    private static Process start(Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
                "-Didempotency.store=" + SharedRedis.URI + "?keyPrefix=" + PREFIX,
                "-cp", System.getProperty("java.class.path"), ChildJvm.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (log != null) {
            builder.redirectOutput(log.toFile());
        }
        Process p = builder.start();
        CHILDREN.add(p);
        return p;
    }

    private static void awaitLine(BlockingQueue<String> lines, String expected, Process p) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                seen.add(line);
                if (line.equals(expected)) {
                    return;
                }
            } else if (!p.isAlive() && lines.isEmpty()) {
                break;
            }
        }
        throw new AssertionError("the child did not print '" + expected + "'; it printed:\n" + String.join("\n", seen));
    }

    private int counter(String key) {
        String value = counters.get(COUNTERS + key);
        return value == null ? 0 : Integer.parseInt(value);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
