package dev.idempotency.examples.springboot;

import dev.idempotency.testkit.process.AppProcess;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures the agent's start-up cost on this example: the time from starting the JVM to the first HTTP answer, and
 * Spring Boot's own "process running for" figure, for runs with and without the agent, alternating. Not a test:
 *
 * <pre>java -cp target/test-classes dev.idempotency.examples.springboot.StartupTimer
 *      target/idempotency-example-spring-boot-0.1.0-SNAPSHOT.jar ../../idempotency-agent/target/idempotency-agent.jar 5</pre>
 */
public final class StartupTimer {

    private static final Pattern RUNNING_FOR = Pattern.compile("process running for ([0-9.]+)\\)");

    private StartupTimer() {
    }

    public static void main(String[] args) throws Exception {
        Path example = Path.of(args[0]);
        Path agent = Path.of(args[1]);
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        HttpClient http = HttpClient.newHttpClient();
        Path logs = Files.createTempDirectory("startup");
        // one warm-up of each, so that both variants start from a warm file cache
        measure(http, example, null, logs.resolve("warmup-plain.log"));
        measure(http, example, agent, logs.resolve("warmup-agent.log"));
        List<double[]> plain = new ArrayList<>();
        List<double[]> withAgent = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            plain.add(measure(http, example, null, logs.resolve("plain-" + i + ".log")));
            withAgent.add(measure(http, example, agent, logs.resolve("agent-" + i + ".log")));
        }
        report("without agent", plain);
        report("with agent   ", withAgent);
        System.out.printf("agent's cost, difference of medians: first HTTP answer %+.0f ms, process running for %+.0f ms;"
                + " difference of minimums: %+.0f ms, %+.0f ms%n",
                median(withAgent, 0) - median(plain, 0), median(withAgent, 1) - median(plain, 1),
                min(withAgent, 0) - min(plain, 0), min(withAgent, 1) - min(plain, 1));
    }

    /** {time to the first HTTP answer, Spring Boot's "process running for"}, both in ms. */
    private static double[] measure(HttpClient http, Path example, Path agent, Path log) throws Exception {
        Duration ready;
        String output;
        try (AppProcess app = AppProcess.start(example, agent, log, List.of())) {
            ready = app.awaitReady(http, "/api/accounts", Duration.ofSeconds(120));
            output = app.output();
        }
        Matcher m = RUNNING_FOR.matcher(output);
        double runningFor = m.find() ? Double.parseDouble(m.group(1)) * 1000 : Double.NaN;
        return new double[] {ready.toNanos() / 1e6, runningFor};
    }

    private static void report(String label, List<double[]> runs) {
        List<String> each = new ArrayList<>();
        for (double[] run : runs) {
            each.add(String.format("%.0f/%.0f", run[0], run[1]));
        }
        System.out.printf("%s: first HTTP answer median %.0f ms (min %.0f), process running for median %.0f ms (min %.0f);"
                + " each first answer/running for: %s%n", label, median(runs, 0), min(runs, 0), median(runs, 1),
                min(runs, 1), String.join(" ", each));
    }

    private static double min(List<double[]> runs, int index) {
        double min = Double.MAX_VALUE;
        for (double[] run : runs) {
            min = Math.min(min, run[index]);
        }
        return min;
    }

    private static double median(List<double[]> runs, int index) {
        List<Double> values = new ArrayList<>();
        for (double[] run : runs) {
            values.add(run[index]);
        }
        Collections.sort(values);
        int n = values.size();
        return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    }
}
