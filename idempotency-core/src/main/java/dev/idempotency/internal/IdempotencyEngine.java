package dev.idempotency.internal;

import dev.idempotency.IdempotencyException;
import dev.idempotency.IdempotencyInProgressException;
import dev.idempotency.IdempotencyKeyReuseException;
import dev.idempotency.IdempotencyStoreException;
import dev.idempotency.OnInProgress;
import dev.idempotency.bridge.Proceed;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.core.IdempotencyEvent;
import dev.idempotency.core.IdempotencyListener;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.StoredRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The one place where the algorithm lives: claim the key or read its record, run the method, then complete or
 * release the claim. The aspect and the agent only find the method's plan and call {@link #execute} (or the two
 * halves, {@link #begin} and the returned {@link Call}).
 */
public final class IdempotencyEngine implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("dev.idempotency");
    private static final long WAIT_MIN_NANOS = TimeUnit.MICROSECONDS.toNanos(500);
    private static final long WAIT_MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(25);

    final IdempotencyConfig config;
    final IdempotencyStore store;
    final Clock clock;
    /** Monotonic nanoseconds for leases and waits; follows {@link #clock} when a test gives one it moves. */
    final java.util.function.LongSupplier ticker;
    final Duration defaultTtl;
    final Duration defaultLease;
    final int maxResultSize;
    private final IdempotencyListener[] listeners;
    final LeaseKeeper keeper;
    final PendingCompletions pending = new PendingCompletions();
    /** Calls begun and not yet ended by their caller: a replaced runtime is closed once none is left. */
    final java.util.concurrent.atomic.LongAdder inFlight = new java.util.concurrent.atomic.LongAdder();
    private final OwnerTokens tokens = new OwnerTokens();
    private final boolean failOpen;
    private final boolean inProcessStore;
    private final java.util.concurrent.atomic.AtomicLong lastFailOpenWarning = new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);

    IdempotencyEngine(IdempotencyConfig config) {
        this.config = config;
        this.store = config.store() != null ? config.store() : StoreUris.create(config.storeUri(), config.clock());
        this.clock = config.clock();
        this.ticker = tickerFor(clock);
        this.defaultTtl = config.defaultTtl();
        this.defaultLease = config.defaultLease();
        this.maxResultSize = config.maxResultSize();
        this.listeners = config.listeners().toArray(new IdempotencyListener[0]);
        this.failOpen = config.failOpen();
        this.inProcessStore = store.inProcess();
        this.keeper = new LeaseKeeper(store, ticker, new LeaseKeeper.Events() {
            @Override
            public void leaseLost(LeaseKeeper.Hold hold) {
                emit(IdempotencyEvent.Type.LEASE_LOST, hold.plan, hold.key, null);
                LOG.log(System.Logger.Level.WARNING, "idempotency: " + hold.plan.description + " lost its claim on key '"
                        + hold.key + "' (namespace " + hold.plan.namespace + ") while running; its outcome will not be recorded");
            }

            @Override
            public void renewFailed(LeaseKeeper.Hold hold, RuntimeException error) {
                emit(IdempotencyEvent.Type.STORE_ERROR, hold.plan, hold.key, error);
            }
        });
    }

    /**
     * The system clock's time can jump (NTP, a suspended VM), so leases and waits run on {@code System.nanoTime};
     * any other clock is a test's, and its moves are what the test wants leases to see.
     */
    private static java.util.function.LongSupplier tickerFor(Clock clock) {
        if (clock.getClass() == Clock.systemUTC().getClass()) {
            return System::nanoTime;
        }
        return () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
    }

    /** A runtime: built now (its store without touching the network), used and closed by its owner. */
    public static IdempotencyEngine create(IdempotencyConfig config) {
        return new IdempotencyEngine(config);
    }

    /**
     * Closes this replaced runtime once the calls that started on it are done: none in flight, no claim held (an
     * asynchronous result still running), no outcome waiting for the store. Until then they finish on it.
     */
    public void retire(boolean closeStore) {
        Thread closer = new Thread(() -> {
            long since = ticker.getAsLong();
            boolean warned = false;
            while (inFlight.sum() > 0 || !keeper.isIdle() || pending.size() > 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                if (!warned && ticker.getAsLong() - since > TimeUnit.MINUTES.toNanos(1)) {
                    warned = true;
                    LOG.log(System.Logger.Level.WARNING, "idempotency: a replaced runtime (store " + store.describe()
                            + ") still has calls running after a minute; it is closed when they are done");
                }
            }
            pending.close();
            keeper.close();
            if (closeStore) {
                store.close();
            }
        }, "idempotency-retire");
        closer.setDaemon(true);
        closer.start();
    }

    public IdempotencyConfig config() {
        return config;
    }

    public IdempotencyStore store() {
        return store;
    }

    /** Runs one call of an {@code @Idempotent} method. */
    public Object execute(MethodPlan plan, Object[] args, Proceed body) throws Throwable {
        Call call = begin(plan, args);
        if (call.isReplay()) {
            return call.replay();
        }
        Object result;
        try {
            result = body.proceed();
        } catch (Throwable t) {
            call.failed(t);
            throw t;
        }
        return call.succeeded(result);
    }

    /**
     * The first half of a call: claims the key (returning a call that must run the method, then report through
     * {@link Call#succeeded} or {@link Call#failed}) or finds its completed record (a call that {@link Call#replay}s).
     * Throws the library's exceptions for a bad key, a reused key, a key in progress, a store failure.
     */
    public Call begin(MethodPlan plan, Object[] args) {
        if (plan.failure != null) {
            throw plan.failure;
        }
        String key = plan.key(args);
        return begin(plan, key, plan.fingerprint(args, key, inProcessStore));
    }

    /**
     * The first half of a programmatic call: the key and the payload are given, not read from arguments.
     *
     * @param hasPayload false when no payload was given: the payload check is then off
     */
    public Call begin(MethodPlan plan, String key, Object payload, boolean hasPayload) {
        String valid = plan.givenKey(key);
        return begin(plan, valid, plan.givenFingerprint(payload, hasPayload, valid, inProcessStore));
    }

    private Call begin(MethodPlan plan, String key, String fingerprint) {
        inFlight.increment();
        try {
            return claimed(plan, key, fingerprint);
        } catch (RuntimeException | Error e) {
            inFlight.decrement();
            throw e;
        }
    }

    private Call claimed(MethodPlan plan, String key, String fingerprint) {
        Duration lease = plan.leaseOr(defaultLease);
        String owner = tokens.next();
        try {
            return claimOrWait(plan, key, fingerprint, lease, owner);
        } catch (IdempotencyStoreException e) {
            // Only a store that cannot be reached may let the call run unprotected: a store that answered (a
            // deadlock, a garbage record, a key it rejects) knows something about this key, so we fail closed.
            if (!failOpen || !e.isUnreachable()) {
                throw e;
            }
            warnFailOpen(plan, key, e);
            return new Call(this, plan, key);
        }
    }

    private Call claimOrWait(MethodPlan plan, String key, String fingerprint, Duration lease, String owner) {
        boolean waiting = false;
        long waitUntil = 0;
        long backoff = WAIT_MIN_NANOS;
        while (true) {
            ClaimResult claim = claim(plan, key, owner, fingerprint, lease);
            if (claim instanceof ClaimResult.Claimed claimed) {
                if (claimed.takeover()) {
                    emit(IdempotencyEvent.Type.TAKEN_OVER, plan, key, null);
                }
                return new Call(this, plan, key, owner, keeper.hold(plan, key, owner, lease));
            }
            StoredRecord record = ((ClaimResult.Found) claim).record();
            while (record != null) {
                if (!record.fingerprint().equals(fingerprint)) {
                    emit(IdempotencyEvent.Type.KEY_REUSE, plan, key, null);
                    throw new IdempotencyKeyReuseException("key '" + key + "' (namespace " + plan.namespace
                            + ") was used before with a different payload; " + plan.description + " did not run",
                            plan.namespace, key);
                }
                if (record.isCompleted()) {
                    emit(IdempotencyEvent.Type.REPLAYED, plan, key, null);
                    dev.idempotency.core.CurrentRequest.markReplayed();
                    return new Call(this, plan, key, record.outcome());
                }
                long now = ticker.getAsLong();
                if (plan.onInProgress == OnInProgress.WAIT && !waiting) {
                    waiting = true;
                    waitUntil = now + lease.toNanos();
                }
                if (plan.onInProgress == OnInProgress.REJECT || now - waitUntil >= 0) {
                    emit(IdempotencyEvent.Type.REJECTED, plan, key, null);
                    throw new IdempotencyInProgressException("key '" + key + "' (namespace " + plan.namespace
                            + ") is in progress in another call" + (plan.onInProgress == OnInProgress.WAIT
                            ? ", which did not finish within the lease (" + lease + ")" : "")
                            + "; " + plan.description + " did not run", plan.namespace, key);
                }
                LockSupport.parkNanos(backoff);
                if (Thread.currentThread().isInterrupted()) {
                    emit(IdempotencyEvent.Type.REJECTED, plan, key, null);
                    throw new IdempotencyInProgressException("interrupted while waiting for key '" + key
                            + "' (namespace " + plan.namespace + "), which is in progress in another call; "
                            + plan.description + " did not run", plan.namespace, key);
                }
                backoff = Math.min(WAIT_MAX_NANOS, backoff * 2);
                record = read(plan, key);
            }
            // the key became free while we waited (its holder failed or died): try to claim it
        }
    }

    private void warnFailOpen(MethodPlan plan, String key, IdempotencyStoreException e) {
        long now = ticker.getAsLong();
        long last = lastFailOpenWarning.get();
        if ((last == Long.MIN_VALUE || now - last >= TimeUnit.MINUTES.toNanos(1))
                && lastFailOpenWarning.compareAndSet(last, now)) {
            LOG.log(System.Logger.Level.WARNING, "idempotency: the store failed and failOpen is set, so calls run"
                    + " WITHOUT deduplication until it recovers (logged at most once a minute); first: "
                    + plan.description + " for key '" + key + "': " + e.getMessage());
        }
    }

    private ClaimResult claim(MethodPlan plan, String key, String owner, String fingerprint, Duration lease) {
        try {
            return store.claim(plan.namespace, key, owner, fingerprint, lease);
        } catch (RuntimeException e) {
            throw storeFailure(plan, key, "claim", e);
        }
    }

    private StoredRecord read(MethodPlan plan, String key) {
        try {
            return store.read(plan.namespace, key);
        } catch (RuntimeException e) {
            throw storeFailure(plan, key, "read", e);
        }
    }

    /** The store failed before the method ran: report it, and refuse to run (fail closed). */
    IdempotencyStoreException storeFailure(MethodPlan plan, String key, String operation, RuntimeException e) {
        if (e instanceof IdempotencyInProgressException) {
            // a store that can only tell inside the caller's transaction (MariaDB) says the key is someone's claim
            emit(IdempotencyEvent.Type.REJECTED, plan, key, null);
            throw e;
        }
        emit(IdempotencyEvent.Type.STORE_ERROR, plan, key, e);
        if (e instanceof IdempotencyStoreException s) {
            return s;
        }
        if (e instanceof IdempotencyException) {
            throw e;
        }
        return new IdempotencyStoreException("store " + store.describe() + " failed to " + operation + " key '" + key
                + "' (namespace " + plan.namespace + "): " + e + "; " + plan.description + " did not run",
                plan.namespace, key, e);
    }

    void emit(IdempotencyEvent.Type type, MethodPlan plan, String key, Throwable error) {
        if (listeners.length == 0) {
            return;
        }
        IdempotencyEvent event = new IdempotencyEvent(type, plan.namespace, key, plan.description, error);
        for (IdempotencyListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "idempotency: listener " + listener + " failed on " + event, e);
            }
        }
    }

    @Override
    public void close() {
        int waiting = pending.size();
        if (waiting > 0) {
            LOG.log(System.Logger.Level.WARNING, "idempotency: closing with " + waiting + " outcomes the store has not"
                    + " taken yet; their claims end with their leases, and then their keys run again");
        }
        pending.close();
        keeper.close();
        store.close();
    }
}
