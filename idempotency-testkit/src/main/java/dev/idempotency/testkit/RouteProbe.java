package dev.idempotency.testkit;

import dev.idempotency.IdempotencyKeyReuseException;
import dev.idempotency.testkit.fixtures.ConformanceService;
import java.util.UUID;

/**
 * A tiny program for the forked-JVM tests of a weaving route: it calls a fixture twice with one key, once more with
 * another payload, and prints what happened as {@code runs=1 same=true reuse=refused}.
 */
public final class RouteProbe {
    private RouteProbe() {
    }

    public static void main(String[] args) {
        ConformanceService service = new ConformanceService();
        String id = "probe-" + UUID.randomUUID();
        String first = service.text(id, "v");
        String second = service.text(id, "v");
        String reuse;
        try {
            service.text(id, "other");
            reuse = "ran";
        } catch (IdempotencyKeyReuseException e) {
            reuse = "refused";
        }
        System.out.println("runs=" + service.runs("text") + " same=" + first.equals(second) + " reuse=" + reuse);
    }
}
