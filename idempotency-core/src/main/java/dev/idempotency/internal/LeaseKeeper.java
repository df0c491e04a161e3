package dev.idempotency.internal;

import dev.idempotency.IdempotencyStoreException;
import dev.idempotency.spi.IdempotencyStore;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Renews the leases of claims whose methods are still running, so that a slow call in a live JVM keeps its key. A
 * claim is renewed once a third of its lease has passed; so two renewals in a row can fail before another caller
 * may take the key over.
 *
 * <p>One daemon thread decides what is due, on a monotonic ticker (never the wall clock, which can jump); the store
 * calls themselves run on a pool, at most one per claim, so a renewal that hangs (a lock wait, a dead connection)
 * holds up no other claim's renewal. A renewal still running after a third of its lease is reported as a store error.
 */
final class LeaseKeeper implements AutoCloseable {

    private static final long MIN_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long MAX_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    /** A claim being kept alive. */
    static final class Hold {
        final MethodPlan plan;
        final String key;
        final String owner;
        final Duration lease;
        final long renewEvery;
        volatile long renewAt;

        /**
         * Whether the claim is surely still this holder's in the store: confirmed (claimed or renewed) less than half
         * a lease ago. Past that, a renewal is late, and only the store can tell.
         */
        boolean confirmedAt(long now) {
            return now - (renewAt - renewEvery) < lease.toNanos() / 2;
        }
        /** 1 while a renewal of this claim runs (one at a time); a field, not an object per call. */
        volatile int renewing;
        volatile long renewStarted;
        volatile boolean slowReported;
        /**
         * Completed when the claim is no longer kept (recorded, released, lost or given up); null unless the holder
         * asked to be watched.
         */
        final java.util.concurrent.CompletableFuture<Void> ended;

        Hold(MethodPlan plan, String key, String owner, Duration lease, long now, boolean watched) {
            this.ended = watched ? new java.util.concurrent.CompletableFuture<>() : null;
            this.plan = plan;
            this.key = key;
            this.owner = owner;
            this.lease = lease;
            this.renewEvery = Math.max(TimeUnit.MILLISECONDS.toNanos(1), lease.toNanos() / 3);
            this.renewAt = now + renewEvery;
        }
    }

    interface Events {
        void leaseLost(Hold hold);

        void renewFailed(Hold hold, RuntimeException error);
    }

    private static final AtomicIntegerFieldUpdater<Hold> RENEWING =
            AtomicIntegerFieldUpdater.newUpdater(Hold.class, "renewing");

    private final IdempotencyStore store;
    private final LongSupplier ticker;
    private final Events events;
    private final Set<Hold> holds = ConcurrentHashMap.newKeySet();
    private final ExecutorService renewals;
    private volatile long tickNanos = MAX_TICK_NANOS;
    private volatile Thread thread;
    private volatile boolean closed;

    /** @param ticker nanoseconds, monotonic: {@code System::nanoTime}, or a test's moved time */
    LeaseKeeper(IdempotencyStore store, LongSupplier ticker, Events events) {
        this.store = store;
        this.ticker = ticker;
        this.events = events;
        AtomicInteger threads = new AtomicInteger();
        this.renewals = Executors.newCachedThreadPool(task -> {
            Thread t = new Thread(task, "idempotency-lease-renewal-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    Hold hold(MethodPlan plan, String key, String owner, Duration lease) {
        return hold(plan, key, owner, lease, false);
    }

    /** @param watched whether {@link Hold#ended} tells when the claim is no longer kept */
    Hold hold(MethodPlan plan, String key, String owner, Duration lease, boolean watched) {
        Hold hold = new Hold(plan, key, owner, lease, ticker.getAsLong(), watched);
        holds.add(hold);
        long tick = Math.max(MIN_TICK_NANOS, Math.min(MAX_TICK_NANOS, hold.renewEvery / 2));
        if (tick < tickNanos) {
            tickNanos = tick;
            Thread t = thread;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
        if (thread == null) {
            start();
        }
        return hold;
    }

    /** Whether no claim is kept. */
    boolean isIdle() {
        return holds.isEmpty();
    }

    /** Whether the claim is still kept (not dropped, not found lost). */
    boolean isHeld(Hold hold) {
        return holds.contains(hold);
    }

    /** Stops keeping the claim; true if it was still held (not lost). */
    boolean drop(Hold hold) {
        boolean held = holds.remove(hold);
        if (hold.ended != null) {
            hold.ended.complete(null);
        }
        return held;
    }

    private synchronized void start() {
        if (thread != null || closed) {
            return;
        }
        Thread t = new Thread(this::run, "idempotency-lease-keeper");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    private void run() {
        while (!closed) {
            LockSupport.parkNanos(this, tickNanos);
            if (!closed) {
                renewDue();
            }
        }
    }

    /** Starts the renewal of every claim that is due now, each on its own pool thread. */
    private void renewDue() {
        long now = ticker.getAsLong();
        for (Hold hold : holds) {
            if (now - hold.renewAt < 0) {
                continue;
            }
            if (!RENEWING.compareAndSet(hold, 0, 1)) {
                if (!hold.slowReported && now - hold.renewStarted > hold.renewEvery) {
                    hold.slowReported = true;
                    events.renewFailed(hold, new IdempotencyStoreException("renewing the lease of key '" + hold.key
                            + "' (namespace " + hold.plan.namespace + ") has taken longer than "
                            + Duration.ofNanos(hold.renewEvery) + " so far; the store is slow or blocked",
                            hold.plan.namespace, hold.key));
                }
                continue;
            }
            hold.renewStarted = now;
            hold.slowReported = false;
            try {
                renewals.execute(() -> renew(hold, now));
            } catch (RejectedExecutionException e) {
                hold.renewing = 0; // closed meanwhile
            }
        }
    }

    private void renew(Hold hold, long startedAt) {
        try {
            if (!holds.contains(hold)) {
                return; // the call finished meanwhile
            }
            boolean renewed;
            try {
                renewed = store.renew(hold.plan.namespace, hold.key, hold.owner, hold.lease);
            } catch (RuntimeException e) {
                events.renewFailed(hold, e);
                return;
            }
            if (renewed) {
                hold.renewAt = startedAt + hold.renewEvery;
            } else if (holds.remove(hold)) {
                if (hold.ended != null) {
                    hold.ended.complete(null);
                }
                events.leaseLost(hold);
            }
        } finally {
            hold.renewing = 0;
        }
    }

    @Override
    public void close() {
        closed = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
        renewals.shutdown();
    }
}
