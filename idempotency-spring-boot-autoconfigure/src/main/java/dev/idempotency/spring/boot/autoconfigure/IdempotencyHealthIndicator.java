package dev.idempotency.spring.boot.autoconfigure;

import dev.idempotency.spi.IdempotencyStore;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The health contributor {@code idempotency}: UP when the store answers a read of a record that never exists, DOWN
 * with the reason when it fails or does not answer within the timeout. The read runs on a thread of its own, so a
 * store that hangs never holds a health request longer than the timeout; while it hangs, later checks wait on the same
 * read instead of piling up new ones.
 */
final class IdempotencyHealthIndicator implements HealthIndicator, DisposableBean {

    static final String PROBE_NAMESPACE = "idempotency.health";
    static final String PROBE_KEY = "probe";

    private final IdempotencyStore store;
    private final Duration timeout;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "idempotency-health");
        thread.setDaemon(true);
        return thread;
    });
    private Future<?> probe;

    IdempotencyHealthIndicator(IdempotencyStore store, Duration timeout) {
        this.store = store;
        this.timeout = timeout;
    }

    @Override
    public Health health() {
        Future<?> running;
        synchronized (this) {
            if (probe == null || probe.isDone()) {
                probe = executor.submit(() -> store.read(PROBE_NAMESPACE, PROBE_KEY));
            }
            running = probe;
        }
        Health.Builder health = Health.unknown().withDetail("store", store.describe());
        try {
            running.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return health.up().build();
        } catch (TimeoutException e) {
            return health.down().withDetail("reason", "the store did not answer within " + timeout).build();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return health.down().withDetail("reason", cause.getClass().getSimpleName() + ": " + cause.getMessage())
                    .build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return health.down().withDetail("reason", "interrupted while waiting for the store").build();
        }
    }

    @Override
    public void destroy() {
        executor.shutdownNow();
    }
}
