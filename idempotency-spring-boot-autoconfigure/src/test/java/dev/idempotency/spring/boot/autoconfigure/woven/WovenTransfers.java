package dev.idempotency.spring.boot.autoconfigure.woven;

import dev.idempotency.Idempotent;
import java.util.concurrent.atomic.AtomicInteger;

/** Woven at test-compile time by the aspect (see the pom): the advisor must leave it alone. */
public class WovenTransfers {

    public final AtomicInteger runs = new AtomicInteger();

    @Idempotent(key = "#id", namespace = "test.woven")
    public String transfer(String id, long cents) {
        return id + ":" + cents + ":" + runs.incrementAndGet();
    }
}
