package dev.idempotency.testapp.startup;

import dev.idempotency.Idempotent;

/**
 * The smallest application of the agent, for {@link AgentStartupTimer}: it loads one class with an
 * {@code @Idempotent} method, calls it once and exits. Compiled against idempotency-api only.
 */
public final class TinyApp {

    private TinyApp() {
    }

    public static void main(String[] args) {
        Greeter greeter = new Greeter();
        System.out.println(greeter.greet("tiny-1") + " runs=" + greeter.runs);
    }

    static final class Greeter {
        int runs;

        @Idempotent(key = "#id")
        String greet(String id) {
            runs++;
            return "hello " + id;
        }
    }
}
