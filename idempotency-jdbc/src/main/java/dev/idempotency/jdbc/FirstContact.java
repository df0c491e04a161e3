package dev.idempotency.jdbc;

import dev.idempotency.IdempotencyStoreException;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * What the store learns on its first successful contact with the database, made on the first call that needs it and
 * kept from then on. One call makes the contact at a time; the calls that need it meanwhile wait for that attempt's
 * outcome rather than queue up for attempts of their own, so while the database is down they all fail within one
 * connection timeout. A failed attempt is not kept: the next call tries again. No monitor is held across the I/O (a
 * virtual thread waiting here leaves its carrier free).
 */
final class FirstContact<T> {

    @FunctionalInterface
    interface Attempt<T> {
        T make() throws SQLException;
    }

    private final Supplier<String> store;
    /** Guards {@link #connecting}; never held while talking to the database. */
    private final ReentrantLock lock = new ReentrantLock();
    /** The attempt under way, whose outcome every call that needs it waits for; null when none is. */
    private CompletableFuture<T> connecting;
    private volatile T made;

    FirstContact(Supplier<String> store) {
        this.store = store;
    }

    /** What the first contact made, or null while no contact has succeeded yet. */
    T ifMade() {
        return made;
    }

    /**
     * What the first contact made, making it now with {@code attempt} (or waiting for the attempt under way) if need
     * be. The attempt is the caller's, so that it can use what the caller holds (its transaction's connection).
     */
    T get(Attempt<T> attempt) throws SQLException {
        T value = made;
        if (value != null) {
            return value;
        }
        CompletableFuture<T> pending;
        boolean mine = false;
        lock.lock();
        try {
            if (made != null) {
                return made;
            }
            pending = connecting;
            if (pending == null) {
                pending = connecting = new CompletableFuture<>();
                mine = true;
            }
        } finally {
            lock.unlock();
        }
        return mine ? attempt(attempt, pending) : await(pending);
    }

    private T attempt(Attempt<T> attempt, CompletableFuture<T> pending) throws SQLException {
        T value = null;
        Throwable failed = null;
        try {
            value = attempt.make();
            made = value;
            return value;
        } catch (SQLException | RuntimeException | Error e) {
            failed = e;
            throw e;
        } finally {
            lock.lock();
            try {
                connecting = null; // the next call after a failure tries again
            } finally {
                lock.unlock();
            }
            if (failed == null) {
                pending.complete(value);
            } else {
                pending.completeExceptionally(failed);
            }
        }
    }

    /** The outcome of another call's attempt, a failure thrown again with this call's own trace. */
    private T await(CompletableFuture<T> pending) throws SQLException {
        try {
            return pending.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IdempotencyStoreException("interrupted while waiting for the first contact of store "
                    + store.get() + " with its database", null, null, e, false);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Connections.NoConnection n) {
                throw n.again();
            }
            if (cause instanceof SQLException sql) {
                throw new SQLException(sql.getMessage(), sql.getSQLState(), sql.getErrorCode(), sql);
            }
            if (cause instanceof Schema.Problem p) {
                throw new Schema.Problem(p.getMessage(), p.getCause());
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw (Error) cause;
        }
    }
}
