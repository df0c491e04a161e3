package dev.idempotency.testapp;

import dev.idempotency.Idempotent;
import dev.idempotency.testkit.RouteProbe;
import dev.idempotency.testkit.fixtures.BrokenService;
import dev.idempotency.testkit.fixtures.ConformanceService;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An application for the forked-JVM tests: its classpath is the api jar, the testkit jar (unwoven fixtures) and these
 * test classes, nothing else, as for a user of the agent. Each scenario prints what happened on stdout.
 */
public final class ProbeApp {

    private ProbeApp() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "dedup" -> dedup();
            case "calls" -> calls();
            case "broken" -> broken();
            case "count" -> count();
            case "attach" -> attach();
            case "once" -> once(args[1]);
            case "jackson" -> JacksonResults.run();
            case "hostile" -> System.out.println("hostile " + HugeMethod.callOnce());
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    /** Two calls with one key and a third with another payload: runs=1 with the agent, runs=3 without. */
    private static void dedup() {
        ConformanceService service = new ConformanceService();
        System.out.println("dedup " + probe(service));
    }

    private static String probe(ConformanceService service) {
        return RouteProbe.probe(service);
    }

    /** One call, printing its result or the exception it threw (class and message). */
    private static void calls() {
        ConformanceService service = new ConformanceService();
        try {
            System.out.println("result " + service.text("k-" + UUID.randomUUID(), "v") + " runs=" + service.runs("text"));
        } catch (RuntimeException e) {
            System.out.println("threw " + e.getClass().getName() + ": " + e.getMessage() + " runs=" + service.runs("text"));
        }
    }

    /** One call with the given key: a second JVM on a shared store gets the first one's result without running. */
    private static void once(String id) {
        ConformanceService service = new ConformanceService();
        String result = service.text(id, "v");
        System.out.println("once result=" + result + " runs=" + service.runs("text"));
    }

    /** Bad annotations are reported when the class is first used (here: constructed), before any of its calls. */
    private static void broken() {
        BrokenService broken = new BrokenService();
        System.out.println("constructed BrokenService");
        try {
            broken.unknownParameter("1");
            System.out.println("unknownParameter ran");
        } catch (RuntimeException e) {
            System.out.println("unknownParameter threw " + e.getClass().getName());
        }
        System.out.println("runs=" + broken.runs.get());
    }

    /**
     * Loads a known set of classes, some declaring @Idempotent methods and some not, and prints the ones that do
     * (found by reflection), to compare with the agent's own count of the classes it instrumented.
     */
    private static void count() throws Exception {
        List<Class<?>> touched = new ArrayList<>();
        ConformanceService service = new ConformanceService();
        touched.add(service.getClass());
        touched.add(new BrokenService().getClass());
        touched.add(StaticOnly.class);
        touched.add(WithField.class);
        touched.add(Plain.class);
        touched.add(Handlers.AmountHandler.class);
        System.out.println("static " + StaticOnly.twice("a", new AtomicInteger()));
        System.out.println("plain " + new Plain().hello());
        System.out.println("handler " + Handlers.viaInterface());
        TreeSet<String> declaring = new TreeSet<>();
        for (Class<?> type : touched) {
            for (Method method : type.getDeclaredMethods()) {
                if (method.isAnnotationPresent(Idempotent.class) && !method.isBridge()) {
                    declaring.add(type.getName());
                }
            }
        }
        System.out.println("declaring " + declaring.size() + " " + String.join(",", declaring));
    }

    /** Calls a fixture before and after the test attaches the agent to this JVM. */
    private static void attach() throws Exception {
        ConformanceService service = new ConformanceService();
        System.out.println("before " + probe(service));
        System.out.println("pid " + ManagementFactory.getRuntimeMXBean().getPid());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = in.readLine(); // the test attaches the agent, then writes a line
        if (line == null) {
            return;
        }
        System.out.println("after " + probe(new ConformanceService()));
    }

    /** Only static @Idempotent methods and no static initializer. */
    static final class StaticOnly {
        private StaticOnly() {
        }

        @Idempotent(key = "#id", fingerprint = "none")
        static String once(String id, AtomicInteger counter) {
            return "static-" + counter.incrementAndGet();
        }

        static String twice(String id, AtomicInteger counter) {
            return once(id, counter) + "/" + once(id, counter);
        }
    }

    /** Names the annotation's type in its constant pool without declaring an @Idempotent method. */
    static final class WithField {
        Idempotent annotation;
    }

    static final class Plain {
        String hello() {
            return "hello";
        }
    }
}
