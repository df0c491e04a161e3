package dev.idempotency.spring.boot.autoconfigure;

import dev.idempotency.Idempotent;
import java.util.concurrent.atomic.AtomicInteger;

/** A plain bean, neither woven nor instrumented: only the advisor can protect it. */
public class Transfers {

    private final AtomicInteger runs = new AtomicInteger();

    /** A method, not the field: a subclass proxy has fields of its own, never set. */
    public int runs() {
        return runs.get();
    }

    @Idempotent(key = "#id", namespace = "test.transfer")
    public String transfer(String id, long cents) {
        return id + ":" + cents + ":" + runs.incrementAndGet();
    }
}
