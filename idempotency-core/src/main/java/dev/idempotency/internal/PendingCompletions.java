package dev.idempotency.internal;

import dev.idempotency.spi.Outcome;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Outcomes that ran but that the store could not take yet (it was unreachable): each is retried with backoff, from
 * one daemon thread, while its claim is held. At most {@link #MAX_PENDING} wait at once, so an outage cannot grow
 * the heap without bound; past that, an outcome is given up as before (its claim expires with its lease).
 *
 * <p>If the process dies while an outcome waits, the outcome is lost: the claim stays in progress until its lease
 * ends, and then a retry runs the method again. Nothing here is written to disk.
 */
final class PendingCompletions implements AutoCloseable {

    static final int MAX_PENDING = 10_000;
    private static final long FIRST_DELAY_MILLIS = 50;
    private static final long MAX_DELAY_MILLIS = 2_000;

    private final ScheduledThreadPoolExecutor timer;
    private final AtomicInteger waiting = new AtomicInteger();

    PendingCompletions() {
        timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread t = new Thread(task, "idempotency-pending-completions");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    /** Schedules another attempt; false if too many wait already or the runtime is closed. */
    boolean retryLater(Call call, Outcome outcome, int attempt) {
        if (attempt == 1 && waiting.incrementAndGet() > MAX_PENDING) {
            waiting.decrementAndGet();
            return false;
        }
        long delay = Math.min(MAX_DELAY_MILLIS, FIRST_DELAY_MILLIS << Math.min(attempt - 1, 10));
        try {
            timer.schedule(() -> {
                if (call.attemptComplete(outcome, attempt)) {
                    waiting.decrementAndGet();
                }
            }, delay, TimeUnit.MILLISECONDS);
            return true;
        } catch (RejectedExecutionException closed) {
            if (attempt == 1) {
                waiting.decrementAndGet(); // counted just above; a later attempt's task uncounts it when it returns
            }
            return false;
        }
    }

    /** Outcomes waiting for the store now. */
    int size() {
        return waiting.get();
    }

    /**
     * Gives the outcomes still waiting one last attempt each (at most {@link #LAST_ATTEMPT_MILLIS} in all, and only if
     * some wait), then stops: a graceful shutdown during a short outage still records what it can.
     */
    @Override
    public void close() {
        timer.shutdown(); // scheduled attempts still run; none is scheduled anew
        if (waiting.get() > 0) {
            try {
                timer.awaitTermination(LAST_ATTEMPT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        timer.shutdownNow();
    }

    static final long LAST_ATTEMPT_MILLIS = 3_000;
}
