package dev.idempotency.bridge;

/** Runs the intercepted method body. */
@FunctionalInterface
public interface Proceed {
    Object proceed() throws Throwable;
}
