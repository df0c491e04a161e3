package dev.idempotency.internal;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.IdempotencyStoreException;
import dev.idempotency.core.IdempotencyEvent;
import dev.idempotency.spi.Outcome;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * One call after {@link IdempotencyEngine#begin}: either a replay of a stored outcome, or a claim whose method must
 * run and then be reported exactly once through {@link #succeeded} or {@link #failed}.
 */
public final class Call extends dev.idempotency.bridge.Invocation {

    private final IdempotencyEngine engine;
    private final MethodPlan plan;
    private final String key;
    private final String owner;
    private final LeaseKeeper.Hold hold;
    private final Outcome replay;
    /** The payload fingerprint of our claim, for the near cache; null when the engine keeps none. */
    private final String fingerprint;
    /** The result as the immutable value itself, for the near cache; set before the outcome is recorded. */
    private volatile Outcome live;

    private Call(IdempotencyEngine engine, MethodPlan plan, String key, String owner, LeaseKeeper.Hold hold,
                 Outcome replay, String fingerprint) {
        this.engine = engine;
        this.plan = plan;
        this.key = key;
        this.owner = owner;
        this.hold = hold;
        this.replay = replay;
        this.fingerprint = engine.nearCache == null ? null : fingerprint;
    }

    /** A claim of ours: the method runs, then reports. */
    Call(IdempotencyEngine engine, MethodPlan plan, String key, String owner, LeaseKeeper.Hold hold) {
        this(engine, plan, key, owner, hold, null, null);
    }

    /** A claim of ours on a remote store: the method runs, then reports; its outcome may go to the near cache. */
    Call(IdempotencyEngine engine, MethodPlan plan, String key, String owner, LeaseKeeper.Hold hold,
         String fingerprint) {
        this(engine, plan, key, owner, hold, null, fingerprint);
    }

    /** A call that runs without deduplication, because the store failed and the runtime fails open. */
    Call(IdempotencyEngine engine, MethodPlan plan, String key) {
        this(engine, plan, key, null, null, null, null);
    }

    /** A replay of a stored outcome. */
    Call(IdempotencyEngine engine, MethodPlan plan, String key, Outcome replay) {
        this(engine, plan, key, null, null, replay, null);
    }

    @Override
    public boolean isReplay() {
        return replay != null;
    }

    private static final java.util.concurrent.atomic.AtomicIntegerFieldUpdater<Call> ENDED =
            java.util.concurrent.atomic.AtomicIntegerFieldUpdater.newUpdater(Call.class, "ended");
    /** 1 once the caller is done with this call (see {@link IdempotencyEngine#inFlight}). */
    private volatile int ended;
    /** The result is a future: its outcome is recorded when it completes, on whatever thread, never deferred. */
    private volatile boolean async;

    /** The caller is done with this call: its engine may be closed once no call is in flight. Once only. */
    private void end() {
        if (ENDED.compareAndSet(this, 0, 1)) {
            engine.inFlight.decrement();
        }
    }

    /** The stored result, decoded as the method's declared type; or the remembered exception, thrown. */
    @Override
    public Object replay() throws Throwable {
        try {
            return replayed();
        } finally {
            end();
        }
    }

    private Object replayed() throws Throwable {
        return replay(engine, plan, key, replay);
    }

    /** A replay's answer: the stored result, decoded as the method's declared type; or the remembered exception, thrown. */
    static Object replay(IdempotencyEngine engine, MethodPlan plan, String key, Outcome replay) throws Throwable {
        switch (replay.kind()) {
            case VALUE -> {
                if (replay.isLive()) {
                    Object value = replay.liveValue();
                    return plan.codec.isAsync() ? CompletableFuture.completedFuture(value) : value;
                }
                Object value;
                try {
                    value = plan.codec.decode(replay.body());
                } catch (Exception e) {
                    throw undecodable(engine, plan, key, "as " + plan.codec.describeType(), e);
                }
                if (engine.nearCache != null) {
                    engine.nearCache.decoded(plan.namespace, key, replay, plan.codec, value);
                }
                return plan.codec.isAsync() ? CompletableFuture.completedFuture(value) : value;
            }
            case EXCEPTION -> {
                Throwable remembered;
                try {
                    remembered = ResultCodec.decodeException(replay.type(), replay.body(), plan.remember,
                            plan.context.getClassLoader());
                } catch (Exception e) {
                    throw undecodable(engine, plan, key, "as a remembered exception " + replay.type(), e);
                }
                if (plan.codec.isAsync()) {
                    return CompletableFuture.failedFuture(remembered);
                }
                throw remembered;
            }
            default -> throw new IdempotencyConfigurationException("key '" + key + "' (namespace " + plan.namespace
                    + ") was executed once by " + plan.description + ", but its result could not be stored: "
                    + replay.body() + "; it is not run again", plan.namespace, key);
        }
    }

    private static IdempotencyStoreException undecodable(IdempotencyEngine engine, MethodPlan plan, String key,
                                                         String as, Exception e) {
        if (engine.nearCache != null) {
            engine.nearCache.invalidate(plan.namespace, key); // the next replay sees what the store holds then
        }
        IdempotencyStoreException error = new IdempotencyStoreException("the stored record for key '" + key
                + "' (namespace " + plan.namespace + ") does not decode " + as + " for " + plan.description
                + ": " + e.getMessage() + "; the record is foreign or tampered with, and the method did not run",
                plan.namespace, key, e);
        engine.emit(IdempotencyEvent.Type.STORE_ERROR, plan, key, error);
        return error;
    }

    /**
     * Records the method's result and returns what the caller gets: the result itself, or for a completion stage a
     * new future that completes (with the stage's value or error) only after the record is stored or the key given up.
     */
    @Override
    public Object succeeded(Object result) {
        try {
            return recorded(result);
        } finally {
            end();
        }
    }

    private Object recorded(Object result) {
        if (owner == null) {
            return result;
        }
        if (plan.codec.isAsync() && result != null) {
            // The caller gets a future of ours that completes only after the record is stored (or the key given
            // up), so a caller that awaits it and retries at once finds the record, never the claim.
            CompletableFuture<Object> recorded = new CompletableFuture<>();
            // whatever transaction the completing thread is in has nothing to do with this call
            async = true;
            ((CompletionStage<?>) result).whenComplete((value, error) -> {
                try {
                    if (error == null) {
                        completeWithValue(value);
                    } else {
                        forget(unwrap(error));
                    }
                } finally {
                    if (error == null) {
                        recorded.complete(value);
                    } else {
                        recorded.completeExceptionally(error);
                    }
                }
            });
            return recorded;
        }
        completeWithValue(result);
        return result;
    }

    /** Records a remembered exception, or gives the key up so that a retry can run. */
    @Override
    public void failed(Throwable error) {
        try {
            forget(error);
        } finally {
            end();
        }
    }

    private void forget(Throwable error) {
        if (owner == null) {
            return;
        }
        if (plan.remembers(error)) {
            Outcome outcome;
            try {
                outcome = ResultCodec.encodeException(error);
            } catch (Exception e) {
                outcome = Outcome.unreplayable("the remembered " + error.getClass().getName()
                        + " could not be encoded: " + e.getMessage());
            }
            complete(outcome);
            return;
        }
        if (deferred(new TransactionHooks.Ending() {
            @Override
            public void committed() {
                release();
            }

            @Override
            public void rolledBack() {
                release();
            }

            @Override
            public void unknown() {
                release();
            }
        })) {
            return;
        }
        release();
    }

    /**
     * Inside a transaction that the store is not part of, the outcome must wait for the commit: recorded before it,
     * a commit that then fails would leave a "success" that every retry replays. The claim stays held (and renewed)
     * until then, so a retry meanwhile is told the key is in progress.
     */
    private boolean deferred(TransactionHooks.Ending ending) {
        if (async) {
            return false;
        }
        try {
            return !engine.store.claimedInTransaction(plan.namespace, key, owner)
                    && TransactionHooks.defer(plan.context, ending);
        } catch (RuntimeException e) {
            Log.LOGGER.log(System.Logger.Level.ERROR, "idempotency: cannot wait for the transaction around "
                    + plan.description + " to end; recording key '" + key + "' now", e);
            return false;
        }
    }

    private void release() {
        engine.keeper.drop(hold);
        try {
            engine.store.release(plan.namespace, key, owner);
        } catch (RuntimeException e) {
            // The claim stays until its lease runs out; then the key is free again.
            engine.emit(IdempotencyEvent.Type.STORE_ERROR, plan, key, e);
            Log.LOGGER.log(System.Logger.Level.WARNING, "idempotency: could not release key '" + key + "' (namespace "
                    + plan.namespace + ") after " + plan.description + " failed or its transaction rolled back; it frees"
                    + " itself when the lease ends", e);
        }
    }

    private void completeWithValue(Object value) {
        Outcome outcome = engine.store.inProcess() ? plan.codec.live(value) : null;
        if (outcome != null) {
            complete(outcome);
            return;
        }
        if (fingerprint != null) {
            live = plan.codec.live(value);
        }
        try {
            outcome = plan.codec.encode(value);
            int size = Utf8.length(outcome.body(), engine.maxResultSize);
            if (size > engine.maxResultSize) {
                outcome = Outcome.unreplayable("the result of " + plan.description + " is larger than maxResultSize ("
                        + engine.maxResultSize + " bytes of JSON), so it was not stored; raise"
                        + " idempotency.maxResultSize or return less");
                Log.LOGGER.log(System.Logger.Level.ERROR, "idempotency: " + plan.description + " ran for key '" + key
                        + "' (namespace " + plan.namespace + "), but " + outcome.body()
                        + "; replays of this key will fail instead of running again");
            }
        } catch (Exception e) {
            outcome = Outcome.unreplayable("the result of type " + (value == null ? "null" : value.getClass().getName())
                    + " could not be encoded as " + plan.codec.describeType() + ": " + e.getMessage());
            Log.LOGGER.log(System.Logger.Level.ERROR, "idempotency: " + plan.description + " ran for key '" + key
                    + "', but " + outcome.body() + "; replays of this key will fail instead of running again");
        }
        complete(outcome);
    }

    private void complete(Outcome outcome) {
        if (deferred(new TransactionHooks.Ending() {
            @Override
            public void committed() {
                completeNow(outcome);
            }

            @Override
            public void rolledBack() {
                release();
            }

            @Override
            public void unknown() {
                // the effect may or may not have committed: neither replay a success nor run again
                completeNow(Outcome.unreplayable(plan.description + " ran for this key in a transaction whose"
                        + " outcome its transaction manager could not tell (committed or rolled back); check the"
                        + " effect by hand, then delete the record to allow a retry"));
            }
        })) {
            return;
        }
        completeNow(outcome);
    }

    private void completeNow(Outcome outcome) {
        if (!engine.keeper.isHeld(hold)) {
            return; // the keeper found the claim taken over while the method ran, and said so
        }
        attemptComplete(outcome, 0);
    }

    /**
     * One owner-checked attempt to record the outcome. If the store cannot take it, the claim stays held (its lease
     * renewed whenever the store answers) and the attempt is repeated with backoff until the store records it or
     * says the claim is no longer ours: an outage shorter than the lease never lets a retry run the method again.
     *
     * @return true when nothing is left to do
     */
    boolean attemptComplete(Outcome outcome, int attempt) {
        boolean recorded;
        Duration ttl = plan.ttlOr(engine.defaultTtl);
        long since = engine.ticker.getAsLong();
        try {
            recorded = engine.store.complete(plan.namespace, key, owner, outcome, ttl);
        } catch (RuntimeException e) {
            engine.emit(IdempotencyEvent.Type.STORE_ERROR, plan, key, e);
            if (engine.keeper.isHeld(hold) && engine.pending.retryLater(this, outcome, attempt + 1)) {
                if (attempt == 0) {
                    Log.LOGGER.log(System.Logger.Level.WARNING, "idempotency: " + plan.description + " ran for key '" + key
                            + "' (namespace " + plan.namespace + "), but the store cannot take its outcome yet (" + e
                            + "); the claim is kept and the outcome retried until the store takes it");
                }
                return false;
            }
            boolean stillHeld = engine.keeper.drop(hold);
            Log.LOGGER.log(System.Logger.Level.ERROR, "idempotency: " + plan.description + " ran for key '" + key
                    + "' (namespace " + plan.namespace + "), but its outcome could not be stored"
                    + (stillHeld ? " and too many outcomes are already waiting for the store (or the runtime closed)"
                    : " and its claim was lost")
                    + ": " + e + "; once its lease ends, a retry runs it again", e);
            return true;
        }
        boolean held = engine.keeper.drop(hold);
        if (recorded) {
            // a record written in the caller's transaction may still roll back: only the store knows it then
            if (fingerprint != null && !engine.store.claimedInTransaction(plan.namespace, key, owner)) {
                engine.remember(plan, key, fingerprint, outcome, live, since, ttl);
            }
            engine.emit(IdempotencyEvent.Type.EXECUTED, plan, key, null);
            if (attempt > 0) {
                Log.LOGGER.log(System.Logger.Level.INFO, "idempotency: the outcome of " + plan.description + " for key '"
                        + key + "' (namespace " + plan.namespace + ") is recorded, after " + attempt + " retries");
            }
        } else if (held) {
            engine.emit(IdempotencyEvent.Type.LEASE_LOST, plan, key, null);
            Log.LOGGER.log(System.Logger.Level.WARNING, "idempotency: " + plan.description + " ran for key '" + key
                    + "' (namespace " + plan.namespace + "), but its claim was no longer in progress under this call"
                    + (attempt > 0 ? " (taken over after its lease ran out, or recorded by an earlier attempt whose"
                    + " answer was lost)" : " (taken over after its lease ran out)") + "; the outcome is not recorded");
        }
        return true;
    }

    /** Throws any throwable without declaring it: for re-throwing a remembered checked exception as it was stored. */
    @SuppressWarnings("unchecked")
    public static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
