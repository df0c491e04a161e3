package dev.idempotency.redis;

import dev.idempotency.IdempotencyException;
import dev.idempotency.Idempotent;
import dev.idempotency.OnInProgress;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * The program the cross-process tests start in child JVMs. Its methods are woven by this module's test-compile; the
 * store comes from {@code -Didempotency.store=redis://…}, as an application would set it. Every body counts its run
 * in Redis ({@code INCR} on a counter key of its own) before anything else.
 *
 * <pre>
 * multi  &lt;counterPrefix&gt; &lt;jvmId&gt; &lt;keys&gt; &lt;threads&gt; &lt;goFile&gt; &lt;outFile&gt;   every key once per JVM, shuffled
 * hold   &lt;counterPrefix&gt; &lt;key&gt;                                        enters and sleeps until killed
 * slow   &lt;counterPrefix&gt; &lt;key&gt; &lt;millis&gt;                               a call longer than its lease
 * </pre>
 */
public final class ChildJvm {

    private ChildJvm() {
    }

    /** The idempotent work; its namespaces are fixed so that parent and children share the records. */
    public static class Work {
        private final UnifiedJedis counters;
        private final String counterPrefix;
        private final String label;
        final ConcurrentLinkedQueue<String> executed = new ConcurrentLinkedQueue<>();

        public Work(UnifiedJedis counters, String counterPrefix, String label) {
            this.counters = counters;
            this.counterPrefix = counterPrefix;
            this.label = label;
        }

        private void count(String key) {
            String counter = counterPrefix + key;
            counters.incr(counter);
            counters.pexpire(counter, 600_000);
            executed.add(key);
        }

        @Idempotent(key = "#key", namespace = "redis-test.multi", onInProgress = OnInProgress.WAIT)
        public String shared(String key) {
            count(key);
            return label + ":" + key;
        }

        /** Enters, says so, and sleeps; a lease of 2 s, renewed while the JVM lives. */
        @Idempotent(key = "#key", namespace = "redis-test.hold", lease = "PT2S", fingerprint = "#key")
        public String hold(String key, long sleepMillis) throws InterruptedException {
            return enterAndSleep(key, sleepMillis);
        }

        /** A lease of 300 ms: only renewal keeps a longer call's claim. */
        @Idempotent(key = "#key", namespace = "redis-test.slow", lease = "PT0.3S", fingerprint = "#key")
        public String slow(String key, long sleepMillis) throws InterruptedException {
            return enterAndSleep(key, sleepMillis);
        }

        private String enterAndSleep(String key, long sleepMillis) throws InterruptedException {
            count(key);
            System.out.println("ENTERED " + key);
            System.out.flush();
            Thread.sleep(sleepMillis);
            return label + ":" + key;
        }
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (RedisClient counters = RedisClient.create(RedisCheck.HOST, RedisCheck.PORT)) {
            switch (args[0]) {
                case "multi" -> multi(args, counters, out);
                case "hold" -> new Work(counters, args[1], "holder").hold(args[2], 120_000);
                case "slow" -> out.println("RESULT " + new Work(counters, args[1], "slow").slow(args[2],
                        Long.parseLong(args[3])));
                default -> throw new IllegalArgumentException(args[0]);
            }
        }
        out.println("DONE");
        System.exit(0);
    }

    private static void multi(String[] args, UnifiedJedis counters, PrintStream out) throws Exception {
        String jvm = args[2];
        int keys = Integer.parseInt(args[3]);
        int threads = Integer.parseInt(args[4]);
        Path go = Path.of(args[5]);
        Path outFile = Path.of(args[6]);
        Work work = new Work(counters, args[1], jvm);
        List<String> order = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            order.add("key-" + i);
        }
        Collections.shuffle(order, new Random(jvm.hashCode()));
        ConcurrentLinkedQueue<String> results = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        work.shared("warm-up-" + jvm); // loads the runtime, the pools and the woven plan before the race
        out.println("READY");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(go)) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("no go signal within 60 s");
            }
            Thread.sleep(5);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            int slice = t;
            pool.submit(() -> {
                for (int i = slice; i < order.size(); i += threads) {
                    String key = order.get(i);
                    try {
                        results.add(key + " " + work.shared(key));
                    } catch (IdempotencyException e) {
                        errors.add(key + " " + e);
                    }
                }
            });
        }
        pool.shutdown();
        if (!pool.awaitTermination(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("calls did not finish within 120 s");
        }
        List<String> lines = new ArrayList<>();
        work.executed.stream().filter(k -> !k.startsWith("warm-up")).forEach(k -> lines.add("X " + k));
        results.forEach(r -> lines.add("R " + r));
        errors.forEach(e -> lines.add("E " + e));
        Files.write(outFile, lines, StandardCharsets.UTF_8);
    }
}
