package dev.idempotency.internal;

/** Runs the intercepted method body. */
@FunctionalInterface
public interface Proceed {
    Object proceed() throws Throwable;
}
