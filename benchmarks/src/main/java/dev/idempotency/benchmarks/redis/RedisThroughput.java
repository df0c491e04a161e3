package dev.idempotency.benchmarks.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link RedisCallBenchmark} at 1, 8 and 32 client threads and prints the idempotent call's throughput as a
 * ratio of its floor's, as a Markdown table: a first execution against raw {@code SET NX}; a replay against raw
 * {@code SET NX} (the command our claim sends) and against raw {@code GET} (the least a read can cost):
 * <pre>
 * java -Dredis.port=7190 -cp benchmarks/target/benchmarks.jar dev.idempotency.benchmarks.redis.RedisThroughput
 * </pre>
 * Each pair (idempotent, raw) is measured twice, back to back in one fork each, in alternating order, so that a
 * machine whose load drifts during the run weighs on both sides alike; each round gives its own ratio.
 * {@code -Dredis.host} (default 127.0.0.1), {@code -Dredis.port} (default 6379), {@code -Dredis.threads} (default
 * {@code 1,8,32}), {@code -Dredis.rounds} (default 3), {@code -Dredis.nearCache} (default true, the library's default;
 * false measures a replay's round trip). A summary gives each case's median ratio over the rounds.
 */
public final class RedisThroughput {

    private RedisThroughput() {
    }

    private record Pair(String name, String ours, String raw) {
    }

    private static final List<Pair> PAIRS = List.of(
            new Pair("first execution", "firstExecution_idempotent", "firstExecution_rawSetNx"),
            new Pair("replay", "replay_idempotent", "replay_rawSetNx"),
            new Pair("replay vs raw GET", "replay_idempotent", "replay_rawGet"));

    public static void main(String[] args) throws RunnerException, IOException {
        String host = System.getProperty("redis.host", "127.0.0.1");
        String port = System.getProperty("redis.port", "6379");
        int rounds = Integer.parseInt(System.getProperty("redis.rounds", "3"));
        List<String> rows = new ArrayList<>();
        List<String> summary = new ArrayList<>();
        for (String t : System.getProperty("redis.threads", "1,8,32").split(",")) {
            int threads = Integer.parseInt(t.trim());
            for (Pair pair : PAIRS) {
                List<Double> ratios = new ArrayList<>();
                for (int round = 1; round <= rounds; round++) {
                    boolean oursFirst = round % 2 == 1;
                    Result<?> a = run(oursFirst ? pair.ours : pair.raw, threads, host, port);
                    Result<?> b = run(oursFirst ? pair.raw : pair.ours, threads, host, port);
                    Result<?> ours = oursFirst ? a : b;
                    Result<?> raw = oursFirst ? b : a;
                    double ratio = ours.getScore() / raw.getScore();
                    ratios.add(ratio);
                    rows.add("| " + threads + " | " + pair.name + " | " + round + " | " + format(ours) + " | "
                            + format(raw) + " | " + String.format(Locale.ROOT, "%.2f", ratio) + " | " + loadAverage()
                            + " |");
                }
                ratios.sort(null);
                double median = ratios.size() % 2 == 1 ? ratios.get(ratios.size() / 2)
                        : (ratios.get(ratios.size() / 2 - 1) + ratios.get(ratios.size() / 2)) / 2;
                summary.add("| " + threads + " | " + pair.name + " | " + String.format(Locale.ROOT, "%.2f", median)
                        + " | " + String.format(Locale.ROOT, "%.2f – %.2f", ratios.get(0), ratios.get(ratios.size() - 1))
                        + " |");
            }
        }
        System.out.println();
        System.out.println("Redis at " + host + ":" + port + "; calls/s, ± the 99.9% confidence interval");
        System.out.println();
        System.out.println("| threads | call | round | idempotent | raw SET NX or GET | ratio | load average after |");
        System.out.println("| ---: | --- | ---: | ---: | ---: | ---: | --- |");
        rows.forEach(System.out::println);
        System.out.println();
        System.out.println("| threads | call | median ratio | range over the rounds |");
        System.out.println("| ---: | --- | ---: | --- |");
        summary.forEach(System.out::println);
    }

    private static Result<?> run(String benchmark, int threads, String host, String port) throws RunnerException {
        Options options = new OptionsBuilder()
                .include(RedisCallBenchmark.class.getName() + "\\." + benchmark + "$")
                .threads(threads)
                .forks(1)
                .warmupIterations(2)
                .warmupTime(TimeValue.seconds(2))
                .measurementIterations(5)
                .measurementTime(TimeValue.seconds(1))
                .param("host", host)
                .param("port", port)
                .param("nearCache", System.getProperty("redis.nearCache", "true"))
                .build();
        RunResult result = new Runner(options).runSingle();
        return result.getPrimaryResult();
    }

    private static String format(Result<?> r) {
        return String.format(Locale.ROOT, "%,.0f ± %,.0f", r.getScore(), r.getScoreError());
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }
}
