package dev.idempotency.testapp.bench;

import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.testkit.fixtures.Types.Receipt;
import dev.idempotency.testkit.fixtures.Types.TransferRequest;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The per-call cost of one {@code @Idempotent} method through each route, measured by JMH in one run: the same
 * unwoven class, made idempotent at load time by the agent ({@code -javaagent:idempotency-agent.jar}) or by AspectJ
 * load-time weaving ({@code -javaagent:aspectjweaver.jar} with the aspect's {@code META-INF/aop.xml}), and the plain
 * call for reference. Each fork gets its route's agent from {@link #main}, so {@code route} is a label that the setup
 * checks: a route that did not weave the class fails the run.
 *
 * <ul>
 *   <li>{@code replay}: the key's record exists; the call reads it, compares the payload and decodes a copy</li>
 *   <li>{@code firstExecution}: a new key each call; the call claims it, runs the body, encodes and stores the result</li>
 * </ul>
 *
 * Run (after {@code mvn -o -f idempotency-agent/pom.xml package -DskipTests}):
 * <pre>mvn -o -q -f idempotency-agent/pom.xml -Pbenchmark initialize exec:exec</pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class RouteBenchmark {

    @Param({"plain", "agent", "aspect"})
    public String route;

    private BenchService service;
    private TransferRequest repeated;
    private long next;

    @Setup(Level.Trial)
    public void checkRoute() {
        Idempotency.configure(IdempotencyConfig.builder().storeUri("memory:?maxEntries=100000").build());
        BenchService probe = new BenchService();
        TransferRequest request = request("probe");
        probe.transfer(request);
        probe.transfer(request);
        long expected = route.equals("plain") ? 2 : 1;
        if (probe.runs != expected) {
            throw new IllegalStateException("route " + route + " ran the body " + probe.runs + " times for two calls"
                    + " with one key; expected " + expected + ": the JVM was not started with this route's agent");
        }
    }

    /** A fresh store for each iteration, far larger than one iteration's new keys: nothing is evicted. */
    @Setup(Level.Iteration)
    public void freshStore() {
        Idempotency.configure(IdempotencyConfig.builder().storeUri("memory:?maxEntries=20000000").build());
        service = new BenchService();
        repeated = request("repeated");
        service.transfer(repeated);
        System.gc();
    }

    @Benchmark
    public Receipt replay() {
        return service.transfer(repeated);
    }

    @Benchmark
    public Receipt firstExecution() {
        return service.transfer(request("r" + next++));
    }

    private static TransferRequest request(String id) {
        return new TransferRequest(id, "DE89370400440532013000", "FR1420041010050500013M02606", new BigDecimal("123.45"));
    }

    /**
     * Runs each route in forks of its own: {@code AGENT_JAR ASPECTJ_WEAVER_JAR [ROUTES]}, where ROUTES is a comma
     * separated order, e.g. {@code agent,aspect,agent,aspect} to alternate them (default {@code plain,agent,aspect}).
     */
    public static void main(String[] args) throws Exception {
        String agent = "-javaagent:" + args[0];
        String weaver = "-javaagent:" + args[1];
        String routes = args.length > 2 && !args[2].isBlank() ? args[2] : "plain,agent,aspect";
        List<RunResult> results = new ArrayList<>();
        for (String route : routes.split(",")) {
            switch (route.trim()) {
                case "plain" -> results.addAll(run("plain"));
                case "agent" -> results.addAll(run("agent", agent));
                case "aspect" -> results.addAll(run("aspect", weaver));
                default -> throw new IllegalArgumentException("unknown route " + route);
            }
        }
        System.out.println();
        System.out.println("route   benchmark        ns/op   ± error");
        for (RunResult result : results) {
            System.out.printf("%-7s %-15s %8.1f %8.1f%n", result.getParams().getParam("route"),
                    result.getParams().getBenchmark().replaceAll(".*\\.", ""),
                    result.getPrimaryResult().getScore(), result.getPrimaryResult().getScoreError());
        }
    }

    private static Collection<RunResult> run(String route, String... jvmArgs) throws Exception {
        Options options = new OptionsBuilder()
                .include(RouteBenchmark.class.getName())
                .param("route", route)
                .forks(1)
                .jvmArgsAppend(concat(jvmArgs, "-Xms2g", "-Xmx2g"))
                .build();
        return new Runner(options).run();
    }

    private static String[] concat(String[] first, String... more) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }
}
