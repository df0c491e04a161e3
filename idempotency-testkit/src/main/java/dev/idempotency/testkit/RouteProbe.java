package dev.idempotency.testkit;

import dev.idempotency.testkit.fixtures.ConformanceService;
import java.util.UUID;

/**
 * A tiny program for the forked-JVM tests of a weaving route: it calls a fixture twice with one key, once more with
 * another payload, and prints what happened. This project's route tests run it in a child JVM set up for the route
 * (woven classes, or the agent) and read its output; store authors have no need of it.
 */
public final class RouteProbe {
    private RouteProbe() {
    }

    /**
     * Prints the result of {@link #probe} on a new service to standard output.
     *
     * @param args not used
     */
    public static void main(String[] args) {
        System.out.println(probe(new ConformanceService()));
    }

    /**
     * Two calls with one key and a third with another payload, as {@code runs=1 same=true
     * reuse=IdempotencyKeyReuseException} when the route works, {@code runs=3 same=false reuse=ran} without it.
     *
     * @param service a new service, woven or instrumented by the route under test (or not, to see the difference)
     * @return one line, as above
     */
    public static String probe(ConformanceService service) {
        String id = "probe-" + UUID.randomUUID();
        String first = service.text(id, "v");
        String second = service.text(id, "v");
        String reuse;
        try {
            service.text(id, "other");
            reuse = "ran";
        } catch (RuntimeException e) {
            reuse = e.getClass().getSimpleName();
        }
        return "runs=" + service.runs("text") + " same=" + first.equals(second) + " reuse=" + reuse;
    }
}
