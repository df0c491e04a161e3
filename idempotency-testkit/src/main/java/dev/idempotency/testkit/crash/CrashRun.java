package dev.idempotency.testkit.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.StoredRecord;
import dev.idempotency.testkit.Await;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One crash run: {@code jvms} child JVMs of a crash client (the Redis, JDBC and agent modules each have one) ×
 * {@code threads} threads go through {@code keys} keys as retrying clients while the parent crashes the store (and brings it back) each time a
 * given share of the keys has run. Then it counts the runs of every key across the JVMs and checks that every JVM got the executor's result.
 */
public final class CrashRun {

    /** A crash of the store and its return. */
    public interface Outage {
        void crash() throws Exception;

        void recover() throws Exception;
    }

    /** The keys ({@code k-0} …) whose record is not completed in the store now. */
    public interface Check {
        List<String> notCompleted(int keys);

        /** Reads each key's record from {@code store}, in {@code namespace}. */
        static Check reading(IdempotencyStore store, String namespace) {
            return keys -> {
                List<String> open = new ArrayList<>();
                for (int i = 0; i < keys; i++) {
                    StoredRecord r = store.read(namespace, "k-" + i);
                    if (r == null || !r.isCompleted()) {
                        open.add("k-" + i + "=" + (r == null ? "none" : "in progress"));
                    }
                }
                return open;
            };
        }
    }

    public record Figures(int keys, Map<String, Integer> runsPerKey, Map<String, String> executor,
                   Map<String, Set<String>> results, long calls, long storeErrors, long storeErrorEvents,
                   long inProgress, long millis, List<String> outages) {
        /** The same figures, with the executor of each key taken from elsewhere (the committed business rows). */
        public Figures withExecutor(Map<String, String> committedBy) {
            return new Figures(keys, runsPerKey, committedBy, results, calls, storeErrors, storeErrorEvents, inProgress,
                    millis, outages);
        }

        /** Keys run more than once, with their counts. */
        public Map<String, Integer> twice() {
            Map<String, Integer> twice = new TreeMap<>();
            runsPerKey.forEach((k, n) -> {
                if (n > 1) {
                    twice.put(k, n);
                }
            });
            return twice;
        }

        /** Keys for which some JVM got anything but the result of the JVM that ran the key. */
        public Map<String, Set<String>> wrongResults() {
            Map<String, Set<String>> wrong = new TreeMap<>();
            results.forEach((k, got) -> {
                if (!got.equals(Set.of(executor.get(k) + ":" + k))) {
                    wrong.put(k, got);
                }
            });
            return wrong;
        }

        @Override
        public String toString() {
            int max = runsPerKey.values().stream().mapToInt(Integer::intValue).max().orElse(0);
            return keys + " keys: " + runsPerKey.size() + " ran, " + twice().size() + " more than once (max " + max
                    + " runs per key); " + calls + " calls, " + storeErrors + " store errors (503) and " + inProgress
                    + " in-progress refusals (409) seen by the clients, " + storeErrorEvents
                    + " STORE_ERROR events; " + millis + " ms; outages " + outages;
        }
    }

    private static final List<Process> CHILDREN = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> CHILDREN.forEach(Process::destroyForcibly)));
    }

    private static final Pattern DONE = Pattern.compile(
            "DONE calls=(\\d+) storeErrors=(\\d+) inProgress=(\\d+) storeErrorEvents=(-?\\d+) unexpected=(\\d+)");

    private CrashRun() {
    }

    /**
     * Runs the children with {@code jvmArgs} (system properties, a {@code -javaagent}) and {@code mainClass} from
     * {@code classpath}; crashes the store at each share in {@code crashAt} (of keys run), for {@code down} each.
     * {@code check} reads the records at the end: every key must be completed before the children may exit.
     */
    public static Figures run(Path dir, List<String> jvmArgs, String classpath, String mainClass, String storeUri,
                       String lease, int jvms, int threads, int keys, long bodyMillis, double[] crashAt, Duration down,
                       Outage outage, Check check) throws Exception {
        Path go = dir.resolve("go");
        List<Process> processes = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        List<String> outages = new ArrayList<>();
        try {
            for (int j = 0; j < jvms; j++) {
                List<String> command = new ArrayList<>(List.of(
                        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m"));
                command.addAll(jvmArgs);
                command.addAll(List.of("-cp", classpath, mainClass, storeUri, lease, "jvm-" + j, String.valueOf(j),
                        String.valueOf(jvms), String.valueOf(keys), String.valueOf(threads),
                        String.valueOf(bodyMillis), go.toString(), dir.resolve("jvm-" + j + ".runs").toString(),
                        dir.resolve("jvm-" + j + ".results").toString()));
                Path log = dir.resolve("jvm-" + j + ".log");
                logs.add(log);
                Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
                CHILDREN.add(p);
                processes.add(p);
            }
            awaitAll("READY", processes, logs, Duration.ofSeconds(90));
            long start = System.nanoTime();
            Files.createFile(go);
            for (double share : crashAt) {
                await(Math.round(share * 100) + "% of the keys run", Duration.ofSeconds(90), () -> {
                    alive(processes, logs);
                    return runs(dir, jvms) >= share * keys;
                });
                long crashedAt = System.nanoTime();
                outage.crash();
                int runsAtCrash = runs(dir, jvms);
                Thread.sleep(down.toMillis());
                outage.recover();
                outages.add("crashed at " + runsAtCrash + " runs, back after "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - crashedAt) + " ms");
            }
            awaitAll("FINISHED", processes, logs, Duration.ofSeconds(110));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            // outcomes that waited for the store must all be recorded by now (or soon): none left in progress
            List<String> open = new ArrayList<>();
            await("every key's record completed", Duration.ofSeconds(30), () -> {
                open.clear();
                try {
                    open.addAll(check.notCompleted(keys));
                } catch (RuntimeException e) {
                    open.add(e.toString()); // a connection the crash broke: read again
                }
                if (!open.isEmpty()) {
                    System.out.println("not completed yet: " + open.subList(0, Math.min(5, open.size())));
                }
                return open.isEmpty();
            });
            Files.createFile(Path.of(go + ".stop"));
            awaitAll("DONE", processes, logs, Duration.ofSeconds(60));
            long calls = 0;
            long storeErrors = 0;
            long inProgress = 0;
            long events = 0;
            for (int j = 0; j < jvms; j++) {
                Process p = processes.get(j);
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("jvm-" + j + " exits").isTrue();
                String log = read(logs.get(j));
                assertThat(p.exitValue()).as(log).isZero();
                Matcher m = DONE.matcher(log);
                assertThat(m.find()).as(log).isTrue();
                calls += Long.parseLong(m.group(1));
                storeErrors += Long.parseLong(m.group(2));
                inProgress += Long.parseLong(m.group(3));
                events += Math.max(0, Long.parseLong(m.group(4)));
                assertThat(m.group(5)).as("unexpected errors in jvm-" + j + ": " + log).isEqualTo("0");
            }
            Map<String, Integer> runsPerKey = new HashMap<>();
            Map<String, String> executor = new HashMap<>();
            Map<String, List<String>> where = new HashMap<>();
            for (int j = 0; j < jvms; j++) {
                List<String> runLines = Files.readAllLines(dir.resolve("jvm-" + j + ".runs"), StandardCharsets.UTF_8);
                for (int line = 0; line < runLines.size(); line++) {
                    String key = runLines.get(line);
                    if (!key.startsWith("warm-up")) {
                        where.computeIfAbsent(key, k -> new ArrayList<>()).add("jvm-" + j + " run #" + line);
                        runsPerKey.merge(key, 1, Integer::sum);
                        executor.put(key, "jvm-" + j);
                    }
                }
            }
            runsPerKey.forEach((k, n) -> {
                if (n > 1) {
                    System.out.println("ran " + n + " times: " + k + " " + where.get(k));
                    for (int j = 0; j < jvms; j++) {
                        for (String line : read(logs.get(j)).split("\n")) {
                            if (line.contains("'" + k + "'")) {
                                System.out.println("  jvm-" + j + ": " + line);
                            }
                        }
                    }
                }
            });
            Map<String, Set<String>> results = new HashMap<>();
            for (int j = 0; j < jvms; j++) {
                List<String> lines = Files.readAllLines(dir.resolve("jvm-" + j + ".results"), StandardCharsets.UTF_8);
                assertThat(lines).as("jvm-" + j + " got a result for every key").hasSize(keys);
                for (String line : lines) {
                    String[] parts = line.split(" ", 2);
                    results.computeIfAbsent(parts[0], k -> new TreeSet<>()).add(parts[1]);
                }
            }
            return new Figures(keys, runsPerKey, executor, results, calls, storeErrors, events, inProgress, millis,
                    outages);
        } finally {
            for (Process p : processes) {
                p.destroyForcibly();
                CHILDREN.remove(p);
            }
        }
    }

    private static int runs(Path dir, int jvms) {
        int n = 0;
        for (int j = 0; j < jvms; j++) {
            Path f = dir.resolve("jvm-" + j + ".runs");
            try {
                if (Files.exists(f)) {
                    byte[] bytes = Files.readAllBytes(f);
                    for (byte b : bytes) {
                        if (b == '\n') {
                            n++;
                        }
                    }
                    n--; // the warm-up
                }
            } catch (IOException e) {
                // read again next time
            }
        }
        return n;
    }

    private static void awaitAll(String line, List<Process> processes, List<Path> logs, Duration timeout) {
        await("every child to print " + line, timeout, () -> {
            boolean all = true;
            for (int j = 0; j < processes.size(); j++) {
                String log = read(logs.get(j));
                if (!log.contains(line + "\n") && !log.contains(line + " ")) {
                    assertThat(processes.get(j).isAlive()).as("jvm-" + j + " is alive: " + log).isTrue();
                    all = false;
                }
            }
            return all;
        });
    }

    private static void alive(List<Process> processes, List<Path> logs) {
        for (int j = 0; j < processes.size(); j++) {
            assertThat(processes.get(j).isAlive()).as("jvm-" + j + " is alive: " + read(logs.get(j))).isTrue();
        }
    }

    private static void await(String what, Duration timeout, java.util.function.BooleanSupplier condition) {
        Await.until(what, timeout, condition);
    }

    /** The file's text, or empty if it is not there (yet) or cannot be read. */
    public static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
