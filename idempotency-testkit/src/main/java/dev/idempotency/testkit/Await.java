package dev.idempotency.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for a condition that another process brings about (a server up, a file written), checked every 50 ms. */
public final class Await {

    private Await() {
    }

    /**
     * Returns once {@code condition} holds; fails, naming {@code what}, when it does not within {@code timeout}. The
     * condition is checked at once, then every 50 ms, on the calling thread.
     *
     * @param what      what is awaited, for the failure message
     * @param timeout   how long to wait at most
     * @param condition the condition; it should not block
     * @throws AssertionError if the condition does not hold within the timeout, or the thread is interrupted while
     *                        waiting (its interrupt status is then set again)
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError(what + ": not within " + timeout);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
