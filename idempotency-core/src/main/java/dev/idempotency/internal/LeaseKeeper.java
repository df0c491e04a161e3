package dev.idempotency.internal;

import dev.idempotency.spi.IdempotencyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Renews the leases of claims whose methods are still running, from one daemon thread, so that a slow call in a
 * live JVM keeps its key. A claim is renewed once a third of its lease has passed; so two renewals in a row can fail
 * before another caller may take the key over.
 */
final class LeaseKeeper implements AutoCloseable {

    private static final long MIN_TICK_MILLIS = 5;
    private static final long MAX_TICK_MILLIS = 200;

    /** A claim being kept alive. */
    static final class Hold {
        final MethodPlan plan;
        final String key;
        final String owner;
        final Duration lease;
        final long renewEvery;
        volatile long renewAt;

        Hold(MethodPlan plan, String key, String owner, Duration lease, long now) {
            this.plan = plan;
            this.key = key;
            this.owner = owner;
            this.lease = lease;
            this.renewEvery = Math.max(1, lease.toMillis() / 3);
            this.renewAt = now + renewEvery;
        }
    }

    interface Events {
        void leaseLost(Hold hold);

        void renewFailed(Hold hold, RuntimeException error);
    }

    private final IdempotencyStore store;
    private final Clock clock;
    private final Events events;
    private final Set<Hold> holds = ConcurrentHashMap.newKeySet();
    private volatile long tickMillis = MAX_TICK_MILLIS;
    private volatile Thread thread;
    private volatile boolean closed;

    LeaseKeeper(IdempotencyStore store, Clock clock, Events events) {
        this.store = store;
        this.clock = clock;
        this.events = events;
    }

    Hold hold(MethodPlan plan, String key, String owner, Duration lease) {
        Hold hold = new Hold(plan, key, owner, lease, clock.millis());
        holds.add(hold);
        long tick = Math.max(MIN_TICK_MILLIS, Math.min(MAX_TICK_MILLIS, hold.renewEvery / 2));
        if (tick < tickMillis) {
            tickMillis = tick;
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

    /** Stops keeping the claim; true if it was still held (not lost). */
    boolean drop(Hold hold) {
        return holds.remove(hold);
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
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(tickMillis));
            if (!closed) {
                renewDue();
            }
        }
    }

    /** Renews every claim that is due now. Called by the keeper's thread, and by tests that move the clock. */
    void renewDue() {
        long now = clock.millis();
        for (Hold hold : holds) {
            if (now < hold.renewAt) {
                continue;
            }
            boolean renewed;
            try {
                renewed = store.renew(hold.plan.namespace, hold.key, hold.owner, hold.lease);
            } catch (RuntimeException e) {
                events.renewFailed(hold, e);
                continue;
            }
            if (renewed) {
                hold.renewAt = now + hold.renewEvery;
            } else if (holds.remove(hold)) {
                events.leaseLost(hold);
            }
        }
    }

    int size() {
        return holds.size();
    }

    @Override
    public void close() {
        closed = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
