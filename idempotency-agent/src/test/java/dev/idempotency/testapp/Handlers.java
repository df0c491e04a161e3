package dev.idempotency.testapp;

import dev.idempotency.Idempotent;
import java.util.UUID;
import java.util.function.Function;

/**
 * An @Idempotent method that implements a generic interface: javac copies its annotations onto the bridge method
 * {@code apply(Object)}, which must not be instrumented too (the bridge's claim would make the real method's claim
 * find the key in progress).
 */
public final class Handlers {

    private Handlers() {
    }

    public record Amount(String requestId, long cents) {
    }

    public static final class AmountHandler implements Function<Amount, String> {
        public int runs;

        @Override
        @Idempotent(key = "#amount.requestId")
        public String apply(Amount amount) {
            runs++;
            return "handled-" + amount.cents() + "-" + runs;
        }
    }

    /** Through the interface (the bridge), twice with one key. */
    public static String viaInterface() {
        AmountHandler handler = new AmountHandler();
        Function<Amount, String> asFunction = handler;
        Amount amount = new Amount(UUID.randomUUID().toString(), 250);
        return asFunction.apply(amount) + "/" + asFunction.apply(amount) + " runs=" + handler.runs;
    }
}
