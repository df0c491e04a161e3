package dev.idempotency.spring.boot.autoconfigure;

import dev.idempotency.Idempotent;
import java.util.concurrent.atomic.AtomicInteger;

/** Annotated on the class, called through its interface: a JDK proxy hands the advisor the interface's method. */
public class InterfaceTransfers implements TransferApi {

    private final AtomicInteger runs = new AtomicInteger();

    @Override
    @Idempotent(key = "#id", namespace = "test.interface")
    public String transfer(String id, long cents) {
        return id + ":" + cents + ":" + runs.incrementAndGet();
    }

    @Override
    public int runs() {
        return runs.get();
    }
}
