package dev.idempotency.examples.starter;

import dev.idempotency.testkit.process.AppProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The starter's start-up cost on this example, not a test: the same executable jar started with the starter's
 * auto-configuration and without it ({@code -Dspring.autoconfigure.exclude=} naming the starter's four
 * auto-configurations: same jar, same class path, same properties), each time from starting the JVM to the first
 * 200 answer of {@code GET /api/accounts}, and the CPU time the JVM had used by then (user and system, all its
 * threads: less disturbed than the wall time by other processes on a shared machine, though not immune); also Spring
 * Boot's own "process running for". One warm-up of each, then
 * {@code runs} pairs whose order alternates (with first, then without first), so that a drift of the machine's load
 * weighs on both. Each run checks which it was: the actuator's health lists the {@code idempotency} component with
 * the starter, and not without it.
 *
 * <pre>
 * mvn -B -o -q package -pl examples/spring-boot-starter -am -DskipTests
 * java -cp examples/spring-boot-starter/target/test-classes:idempotency-testkit/target/idempotency-testkit-0.1.0-SNAPSHOT.jar \
 *     dev.idempotency.examples.starter.StartupTimer \
 *     examples/spring-boot-starter/target/idempotency-example-spring-boot-starter-0.1.0-SNAPSHOT.jar 9
 * </pre>
 */
public final class StartupTimer {

    /** The starter's auto-configurations, as its {@code AutoConfiguration.imports} lists them. */
    static final String STARTER_AUTO_CONFIGURATIONS = String.join(",",
            "dev.idempotency.spring.boot.autoconfigure.IdempotencyAutoConfiguration",
            "dev.idempotency.spring.boot.autoconfigure.IdempotencyMetricsAutoConfiguration",
            "dev.idempotency.spring.boot.autoconfigure.IdempotencyHealthAutoConfiguration",
            "dev.idempotency.spring.boot.autoconfigure.IdempotencyWebAutoConfiguration");

    private static final Pattern RUNNING_FOR = Pattern.compile("process running for ([0-9.]+)\\)");

    private StartupTimer() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        HttpClient http = HttpClient.newHttpClient();
        Path logs = Files.createTempDirectory("starter-startup");
        time(http, jar, true, logs.resolve("warmup-with.log"));
        time(http, jar, false, logs.resolve("warmup-without.log"));
        double[][] with = new double[runs][];
        double[][] without = new double[runs][];
        for (int i = 0; i < runs; i++) {
            boolean withFirst = i % 2 == 0;
            if (withFirst) {
                with[i] = time(http, jar, true, logs.resolve("with-" + i + ".log"));
            }
            without[i] = time(http, jar, false, logs.resolve("without-" + i + ".log"));
            if (!withFirst) {
                with[i] = time(http, jar, true, logs.resolve("with-" + i + ".log"));
            }
        }
        print("with the starter   ", with);
        print("without (excluded) ", without);
        double[] pairDifferences = new double[runs];
        for (int i = 0; i < runs; i++) {
            pairDifferences[i] = with[i][0] - without[i][0];
        }
        System.out.printf("starter's cost to the first HTTP answer: difference of medians %+.0f ms, median of the"
                        + " pairs' differences %+.0f ms (pairs: %s); CPU time to the first answer: difference of"
                        + " medians %+.0f ms; process running for: difference of medians %+.0f ms%n",
                median(column(with, 0)) - median(column(without, 0)), median(pairDifferences),
                Arrays.toString(Arrays.stream(pairDifferences).map(Math::rint).toArray()),
                median(column(with, 2)) - median(column(without, 2)),
                median(column(with, 1)) - median(column(without, 1)));
        System.out.println("logs: " + logs);
    }

    /** One start: {ms to the first answer, Spring Boot's "process running for" in ms, CPU ms to the first answer}. */
    private static double[] time(HttpClient http, Path jar, boolean withStarter, Path log) throws Exception {
        List<String> jvmArgs = withStarter ? List.of()
                : List.of("-Dspring.autoconfigure.exclude=" + STARTER_AUTO_CONFIGURATIONS);
        try (AppProcess app = AppProcess.start(jar, null, log, jvmArgs)) {
            Duration ready = app.awaitReady(http, "/api/accounts", Duration.ofSeconds(120));
            double cpu = cpuMillis();
            String health = get(http, app.uri("/actuator/health"));
            if (health.contains("\"idempotency\"") != withStarter) {
                throw new IllegalStateException("a run " + (withStarter ? "with" : "without") + " the starter, but"
                        + " its health reads: " + health);
            }
            Matcher running = RUNNING_FOR.matcher(app.output());
            return new double[] {ready.toNanos() / 1e6,
                    running.find() ? Double.parseDouble(running.group(1)) * 1000 : Double.NaN, cpu};
        }
    }

    /** The CPU time of the one application JVM this process has started and not yet stopped. */
    private static double cpuMillis() {
        List<ProcessHandle> children = ProcessHandle.current().children().toList();
        if (children.size() != 1) {
            throw new IllegalStateException("expected one application process, found " + children);
        }
        return children.get(0).info().totalCpuDuration().map(d -> d.toNanos() / 1e6).orElse(Double.NaN);
    }

    private static String get(HttpClient http, URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static void print(String label, double[][] runs) {
        double[] ready = column(runs, 0);
        double[] cpu = column(runs, 2);
        System.out.printf("%s first HTTP answer: median %.0f ms, min %.0f, max %.0f; CPU time by then: median %.0f ms,"
                        + " min %.0f, max %.0f; process running for: median %.0f ms; each run's first answer %s%n",
                label, median(ready), Arrays.stream(ready).min().orElse(0), Arrays.stream(ready).max().orElse(0),
                median(cpu), Arrays.stream(cpu).min().orElse(0), Arrays.stream(cpu).max().orElse(0),
                median(column(runs, 1)), Arrays.toString(Arrays.stream(ready).map(Math::rint).toArray()));
    }

    private static double[] column(double[][] runs, int index) {
        return Arrays.stream(runs).mapToDouble(run -> run[index]).toArray();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
