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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The one place where the algorithm lives: claim the key or read its record, run the method, then complete or
 * release the claim. The aspect and the agent only find the method's plan and call {@link #execute} (or the two
 * halves, {@link #begin} and the returned {@link Call}).
 */
public final class IdempotencyEngine implements AutoCloseable {

    private static final long WAIT_MIN_NANOS = TimeUnit.MICROSECONDS.toNanos(500);
    private static final long WAIT_MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(25);

    final IdempotencyConfig config;
    final IdempotencyStore store;
    final Clock clock;
    /** Monotonic nanoseconds for leases and waits; follows {@link #clock} when a test gives one it moves. */
    final java.util.function.LongSupplier ticker;
    /**
     * Whether the clock is the system's. Its time can jump (NTP, a suspended VM), so leases and waits then run on
     * {@code System.nanoTime}, and waits can sleep their whole length in one go; any other clock is a test's, and its
     * moves are what the test wants leases and waits to see.
     */
    private final boolean realTime;
    final Duration defaultTtl;
    final Duration defaultLease;
    final int maxResultSize;
    private final IdempotencyListener[] listeners;
    final LeaseKeeper keeper;
    final PendingCompletions pending = new PendingCompletions();
    /** Calls begun and not yet ended by their caller: a replaced runtime is closed once none is left. */
    final java.util.concurrent.atomic.LongAdder inFlight = new java.util.concurrent.atomic.LongAdder();
    private final OwnerTokens tokens = new OwnerTokens();
    /** Claims held by calls of this runtime, so that its other calls of the key need not ask the store. */
    private final java.util.concurrent.ConcurrentHashMap<RecordKey, LocalHold> localHolds =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** One store poll per key that calls of this runtime wait for: see {@link #nextState}. */
    private final java.util.concurrent.ConcurrentHashMap<RecordKey, CompletableFuture<StoredRecord>> polls =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final boolean failOpen;
    private final boolean inProcessStore;
    /** The store when it is the in-memory one, whose completed records a replay may read before claiming. */
    private final dev.idempotency.memory.MemoryStore memory;
    /** Completed records of a remote store, so that their replays ask it nothing; null when off or in-process. */
    final NearCache nearCache;
    private final java.util.concurrent.atomic.AtomicLong lastFailOpenWarning = new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);

    IdempotencyEngine(IdempotencyConfig config) {
        this.config = config;
        this.store = config.store() != null ? config.store() : StoreUris.create(config.storeUri(), config.clock());
        this.clock = config.clock();
        this.realTime = clock.getClass() == Clock.systemUTC().getClass();
        this.ticker = realTime ? System::nanoTime : () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
        this.defaultTtl = config.defaultTtl();
        this.defaultLease = config.defaultLease();
        this.maxResultSize = config.maxResultSize();
        this.listeners = config.listeners().toArray(new IdempotencyListener[0]);
        this.failOpen = config.failOpen();
        this.inProcessStore = store.inProcess();
        this.memory = store instanceof dev.idempotency.memory.MemoryStore m ? m : null;
        this.nearCache = inProcessStore || config.nearCacheMaxEntries() == 0 ? null
                : new NearCache(config.nearCacheMaxEntries(), config.nearCacheMaxAge(), ticker);
        this.keeper = new LeaseKeeper(store, ticker, new LeaseKeeper.Events() {
            @Override
            public void leaseLost(LeaseKeeper.Hold hold) {
                emit(IdempotencyEvent.Type.LEASE_LOST, hold.plan, hold.key, null);
                Log.LOGGER.log(System.Logger.Level.WARNING, "idempotency: " + hold.plan.description + " lost its claim on key '"
                        + hold.key + "' (namespace " + hold.plan.namespace + ") while running; its outcome will not be recorded");
            }

            @Override
            public void renewFailed(LeaseKeeper.Hold hold, RuntimeException error) {
                emit(IdempotencyEvent.Type.STORE_ERROR, hold.plan, hold.key, error);
            }
        });
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
                    Log.LOGGER.log(System.Logger.Level.WARNING, "idempotency: a replaced runtime (store " + store.describe()
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
        if (memory != null && plan.failure == null) {
            String key = plan.key(args);
            StoredRecord done = completedLocally(plan, key, args);
            if (done != null) {
                return Call.replay(this, plan, key, done.outcome());
            }
            return run(begin(plan, key, plan.fingerprint(args, key, true)), body);
        }
        return run(begin(plan, args), body);
    }

    private static Object run(Call call, Proceed body) throws Throwable {
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
        if (memory != null) {
            StoredRecord done = completedLocally(plan, key, args);
            if (done != null) {
                inFlight.increment(); // the returned call ends it
                return new Call(this, plan, key, done.outcome());
            }
        }
        return begin(plan, key, plan.fingerprint(args, key, inProcessStore));
    }

    /**
     * The in-memory store's completed record of the key, found before anything a claim needs is made (an owner token,
     * the fingerprint as a string): a replay then costs a lookup and a comparison. Refuses a reused key as a claim
     * would; null when the key must be claimed.
     */
    private StoredRecord completedLocally(MethodPlan plan, String key, Object[] args) {
        StoredRecord done = memory.completed(plan.namespace, key);
        if (done == null) {
            return null;
        }
        if (!plan.fingerprintMatches(args, key, done.fingerprint())) {
            throw keyReuse(plan, key);
        }
        replayed(plan, key);
        return done;
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
        RecordKey id = inProcessStore ? null : new RecordKey(plan.namespace, key);
        while (true) {
            NearCache.Entry cached = nearCache == null ? null : nearCache.get(plan.namespace, key);
            if (cached != null) {
                // completed records never change in the store, they only expire (or an operator deletes them)
                if (!cached.fingerprint.equals(fingerprint)) {
                    throw keyReuse(plan, key);
                }
                return replay(plan, key, cached.outcomeFor(plan.codec));
            }
            LocalHold local = inProcessStore ? null : localHolds.get(id);
            if (local != null && !local.hold.ended.isDone() && local.hold.confirmedAt(ticker.getAsLong())) {
                // a call of this runtime holds the key: the store would say what we know, so do not ask it
                if (!local.fingerprint.equals(fingerprint)) {
                    throw keyReuse(plan, key);
                }
                long now = ticker.getAsLong();
                if (plan.onInProgress == OnInProgress.WAIT && !waiting) {
                    waiting = true;
                    waitUntil = now + lease.toNanos();
                    emit(IdempotencyEvent.Type.WAITING, plan, key, null);
                }
                if (plan.onInProgress == OnInProgress.REJECT || now - waitUntil >= 0) {
                    throw inProgress(plan, key, lease);
                }
                awaitLocal(plan, key, local.hold, waitUntil);
                continue; // it ended (or our wait did): ask the store
            }
            ClaimResult claim = claim(plan, key, owner, fingerprint, lease);
            if (claim instanceof ClaimResult.Claimed claimed) {
                if (claimed.takeover()) {
                    emit(IdempotencyEvent.Type.TAKEN_OVER, plan, key, null);
                }
                if (inProcessStore) {
                    // the store is in this process: asking it costs what the map below would
                    return new Call(this, plan, key, owner, keeper.hold(plan, key, owner, lease));
                }
                LeaseKeeper.Hold hold = keeper.hold(plan, key, owner, lease, true);
                LocalHold mine = new LocalHold(hold, fingerprint);
                localHolds.put(id, mine);
                hold.ended.whenComplete((ignored, error) -> localHolds.remove(id, mine));
                return new Call(this, plan, key, owner, hold, fingerprint);
            }
            StoredRecord record = ((ClaimResult.Found) claim).record();
            while (record != null) {
                if (!record.fingerprint().equals(fingerprint)) {
                    throw keyReuse(plan, key);
                }
                if (record.isCompleted()) {
                    remember(plan, key, record);
                    return replay(plan, key, record.outcome());
                }
                long now = ticker.getAsLong();
                if (plan.onInProgress == OnInProgress.WAIT && !waiting) {
                    waiting = true;
                    waitUntil = now + lease.toNanos();
                    emit(IdempotencyEvent.Type.WAITING, plan, key, null);
                }
                if (plan.onInProgress == OnInProgress.REJECT || now - waitUntil >= 0) {
                    throw inProgress(plan, key, lease);
                }
                record = nextState(plan, key, record, waitUntil);
            }
            // the key became free while we waited (its holder failed or died): try to claim it
        }
    }

    private Call replay(MethodPlan plan, String key, dev.idempotency.spi.Outcome outcome) {
        replayed(plan, key);
        return new Call(this, plan, key, outcome);
    }

    /** What every replay tells: the event, and the request's {@code Idempotent-Replayed} mark. */
    private void replayed(MethodPlan plan, String key) {
        emit(IdempotencyEvent.Type.REPLAYED, plan, key, null);
        dev.idempotency.core.CurrentRequest.markReplayed();
    }

    /**
     * Keeps a completed record that the store returned in the near cache, if the store tells when it expires: in its
     * {@link StoredRecord#expiresAt()} (by {@link #clock}), or when asked ({@link IdempotencyStore#remainingTtl}).
     */
    private void remember(MethodPlan plan, String key, StoredRecord record) {
        if (nearCache == null || nearCache.get(plan.namespace, key) != null) {
            return; // off, or another caller of this runtime (one that waited with us) has kept it already
        }
        long since = ticker.getAsLong();
        long ttl = saturatedNanos(plan.ttlOr(defaultTtl));
        if (record.hasExpiry()) {
            // never longer than this runtime's own ttl for the method, whatever clock the store told the expiry by
            nearCache.put(plan.namespace, key, record.fingerprint(), record.outcome(), null, since,
                    Math.min(TimeUnit.MILLISECONDS.toNanos(record.expiresAt() - clock.millis()), ttl));
            return;
        }
        // Asking the store when the record expires costs a round trip: not on a key's first replay here, which would
        // then take two where the store answered in one, but on its second, which saves one on every replay after it.
        if (!nearCache.seenBefore(plan.namespace, key)) {
            return;
        }
        Duration left;
        try {
            left = store.remainingTtl(plan.namespace, key, record);
        } catch (RuntimeException e) {
            // the record is read; only keeping it failed, so the replay goes on and the next one asks again
            Log.LOGGER.log(System.Logger.Level.DEBUG, "idempotency: store " + store.describe() + " could not tell"
                    + " when key '" + key + "' (namespace " + plan.namespace + ") expires: " + e);
            return;
        }
        if (left != null) {
            nearCache.put(plan.namespace, key, record.fingerprint(), record.outcome(), null, since,
                    Math.min(saturatedNanos(left), ttl));
        }
    }

    /**
     * Keeps what this runtime has just recorded for {@code ttl} in the near cache; {@code live} is the outcome as the
     * immutable value itself, when the result is one.
     */
    void remember(MethodPlan plan, String key, String fingerprint, dev.idempotency.spi.Outcome outcome,
                  dev.idempotency.spi.Outcome live, long since, Duration ttl) {
        if (nearCache != null) {
            boolean asValue = live != null && outcome.kind() == dev.idempotency.spi.Outcome.Kind.VALUE;
            nearCache.put(plan.namespace, key, fingerprint, asValue ? live : outcome, asValue ? plan.codec : null,
                    since, saturatedNanos(ttl));
        }
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Waits for the in-progress record to change: completed, given up (null), claimed by another owner, or this
     * caller's wait over. Calls of this runtime waiting for one key share one poll of the store: the first polls with
     * backoff, the others wait for what it sees. Ten thousand callers waiting for a hundred keys then cost the store a
     * hundred polls, not ten thousand, and leave the connections to the holders, which must renew and complete.
     */
    private StoredRecord nextState(MethodPlan plan, String key, StoredRecord current, long waitUntil) {
        RecordKey id = new RecordKey(plan.namespace, key);
        CompletableFuture<StoredRecord> mine = new CompletableFuture<>();
        CompletableFuture<StoredRecord> shared = polls.putIfAbsent(id, mine);
        if (shared != null) {
            return follow(plan, key, shared, current, waitUntil);
        }
        try {
            StoredRecord seen = poll(plan, key, current, waitUntil);
            mine.complete(seen);
            return seen;
        } catch (IdempotencyInProgressException interrupted) {
            mine.complete(current); // this caller was interrupted, not the others: one of them polls next
            throw interrupted;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            polls.remove(id, mine);
        }
    }

    private StoredRecord poll(MethodPlan plan, String key, StoredRecord current, long waitUntil) {
        long backoff = WAIT_MIN_NANOS;
        while (true) {
            LockSupport.parkNanos(backoff);
            if (Thread.currentThread().isInterrupted()) {
                throw interruptedWaiting(plan, key);
            }
            StoredRecord record = read(plan, key);
            if (record == null || record.isCompleted() || !record.owner().equals(current.owner())
                    || ticker.getAsLong() - waitUntil >= 0) {
                return record;
            }
            backoff = Math.min(WAIT_MAX_NANOS, backoff * 2);
        }
    }

    /** Waits for another caller's poll, in slices, so that this caller's own deadline is kept by the ticker. */
    private StoredRecord follow(MethodPlan plan, String key, CompletableFuture<StoredRecord> shared,
                                StoredRecord current, long waitUntil) {
        while (true) {
            long remaining = waitUntil - ticker.getAsLong();
            if (remaining <= 0) {
                return current;
            }
            try {
                return shared.get(slice(remaining), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // not yet: look at the deadline again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw interruptedWaiting(plan, key);
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException r) {
                    throw r;
                }
                throw (Error) cause;
            }
        }
    }

    private IdempotencyInProgressException interruptedWaiting(MethodPlan plan, String key) {
        emit(IdempotencyEvent.Type.REJECTED, plan, key, null);
        return new IdempotencyInProgressException("interrupted while waiting for key '" + key + "' (namespace "
                + plan.namespace + "), which is in progress in another call; " + plan.description + " did not run",
                plan.namespace, key);
    }


    /** A claim a call of this runtime holds, with the payload it holds it for. */
    private record LocalHold(LeaseKeeper.Hold hold, String fingerprint) {
    }

    /**
     * Waits, in slices kept by the ticker, until the local holder ends, its claim is no longer surely its own (then
     * the store decides), or this caller's wait is over.
     */
    private void awaitLocal(MethodPlan plan, String key, LeaseKeeper.Hold hold, long waitUntil) {
        CompletableFuture<Void> ended = hold.ended;
        while (!ended.isDone() && hold.confirmedAt(ticker.getAsLong())) {
            long remaining = waitUntil - ticker.getAsLong();
            if (remaining <= 0) {
                return;
            }
            try {
                long untilUnconfirmed = (hold.renewAt - hold.renewEvery) + hold.lease.toNanos() / 2 - ticker.getAsLong();
                ended.get(slice(Math.max(1, Math.min(remaining, untilUnconfirmed))), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                // look again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw interruptedWaiting(plan, key);
            }
        }
    }

    /**
     * How long to block before looking at the deadline again: all of it on the system's time; in slices on a test's
     * clock, which moves by itself.
     */
    private long slice(long remaining) {
        return realTime ? remaining : Math.min(remaining, WAIT_MAX_NANOS);
    }

    private IdempotencyKeyReuseException keyReuse(MethodPlan plan, String key) {
        emit(IdempotencyEvent.Type.KEY_REUSE, plan, key, null);
        return new IdempotencyKeyReuseException("key '" + key + "' (namespace " + plan.namespace
                + ") was used before with a different payload; " + plan.description + " did not run",
                plan.namespace, key);
    }

    private IdempotencyInProgressException inProgress(MethodPlan plan, String key, Duration lease) {
        emit(IdempotencyEvent.Type.REJECTED, plan, key, null);
        return new IdempotencyInProgressException("key '" + key + "' (namespace " + plan.namespace
                + ") is in progress in another call" + (plan.onInProgress == OnInProgress.WAIT
                ? ", which did not finish within the lease (" + lease + ")" : "")
                + "; " + plan.description + " did not run", plan.namespace, key);
    }

    private void warnFailOpen(MethodPlan plan, String key, IdempotencyStoreException e) {
        long now = ticker.getAsLong();
        long last = lastFailOpenWarning.get();
        if ((last == Long.MIN_VALUE || now - last >= TimeUnit.MINUTES.toNanos(1))
                && lastFailOpenWarning.compareAndSet(last, now)) {
            Log.LOGGER.log(System.Logger.Level.WARNING, "idempotency: the store failed and failOpen is set, so calls run"
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
                Log.LOGGER.log(System.Logger.Level.WARNING, "idempotency: listener " + listener + " failed on " + event, e);
            }
        }
    }

    @Override
    public void close() {
        int waiting = pending.size();
        if (waiting > 0) {
            Log.LOGGER.log(System.Logger.Level.WARNING, "idempotency: closing with " + waiting + " outcomes the store has not"
                    + " taken yet; their claims end with their leases, and then their keys run again");
        }
        pending.close();
        keeper.close();
        store.close();
    }
}
