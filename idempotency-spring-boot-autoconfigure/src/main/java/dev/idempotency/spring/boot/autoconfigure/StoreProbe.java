package dev.idempotency.spring.boot.autoconfigure;

import dev.idempotency.spi.IdempotencyStore;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Whether the store answers: a read of a record that never exists, on a thread of its own, so that a store that hangs
 * never holds a health request longer than the timeout; while it hangs, later checks wait on the same read instead of
 * piling up new ones. Spring Boot 3 and 4 name their health types differently: each has a thin adapter over this.
 */
final class StoreProbe implements AutoCloseable {

    static final String PROBE_NAMESPACE = "idempotency.health";
    static final String PROBE_KEY = "probe";

    /** {@code reason} is null when the store answered. */
    record Result(String store, String reason) {
        boolean up() {
            return reason == null;
        }
    }

    private final IdempotencyStore store;
    private final Duration timeout;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "idempotency-health");
        thread.setDaemon(true);
        return thread;
    });
    private Future<?> probe;

    StoreProbe(IdempotencyStore store, Duration timeout) {
        this.store = store;
        this.timeout = timeout;
    }

    Result check() {
        Future<?> running;
        synchronized (this) {
            if (probe == null || probe.isDone()) {
                probe = executor.submit(() -> store.read(PROBE_NAMESPACE, PROBE_KEY));
            }
            running = probe;
        }
        String describe = store.describe();
        try {
            running.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Result(describe, null);
        } catch (TimeoutException e) {
            return new Result(describe, "the store did not answer within " + timeout);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return new Result(describe, cause.getClass().getSimpleName() + ": " + cause.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(describe, "interrupted while waiting for the store");
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
