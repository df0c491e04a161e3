package dev.idempotency.core;

import dev.idempotency.internal.TransactionHooks;
import java.util.concurrent.Callable;

/**
 * A transaction of the application's own (plain JDBC, JTA, anything but Spring's, which is found by itself) that
 * {@code @Idempotent} calls run in. Their outcomes are recorded only once the commit returns, and their keys are
 * given up if the work fails; until then a key stays in progress, so a retry meanwhile is told so (409) and never
 * replays a result whose effect might still be rolled back.
 *
 * <pre>{@code
 * connection.setAutoCommit(false);
 * Receipt receipt = IdempotencyTransaction.execute(() -> {
 *     return payments.pay(request);               // @Idempotent: runs; its record waits for the commit
 * }, connection::commit);                        // committed: the record is written now
 * // the work threw: the caller rolls back; the key is free again
 * // the commit threw: it may or may not have reached the database; the key is recorded as "outcome unknown" and a
 * // retry is refused (never replayed, never run again) until someone checks the effect and deletes the record
 * }</pre>
 *
 * The scope is the lambda: it cannot be left open on a pooled thread. Not needed with a database store in
 * transactional mode ({@code JdbcIdempotency.bind}), where the record commits or rolls back with the business writes
 * by itself. Asynchronous results are not part of the caller's transaction: they are recorded when they complete.
 */
public final class IdempotencyTransaction {

    /** The application's commit, e.g. {@code connection::commit}. */
    @FunctionalInterface
    public interface Commit {
        /**
         * Commits the application's transaction.
         *
         * @throws Exception if the commit failed, or may have: the outcome is then recorded as unknown
         */
        void commit() throws Exception;
    }

    private IdempotencyTransaction() {
    }

    /**
     * Runs {@code work} as the transaction's body on this thread, then {@code commit}; see the class comment for what
     * each outcome records.
     *
     * @param <T>    the work's result type
     * @param work   the transaction's body, which makes {@code @Idempotent} calls; not {@code null}
     * @param commit commits the transaction once {@code work} has returned; not {@code null}
     * @return what {@code work} returned
     * @throws IllegalArgumentException if {@code work} or {@code commit} is {@code null}
     * @throws IllegalStateException if called inside another {@code execute} on this thread
     * @throws Exception             what {@code work} or {@code commit} threw
     */
    public static <T> T execute(Callable<T> work, Commit commit) throws Exception {
        if (work == null || commit == null) {
            throw new IllegalArgumentException("work and commit must not be null");
        }
        TransactionHooks.Scope scope = TransactionHooks.Scope.open();
        T result;
        try {
            result = work.call();
        } catch (Exception | Error e) {
            scope.end(TransactionHooks.Outcome.ROLLED_BACK);
            throw e;
        }
        try {
            commit.commit();
        } catch (Exception | Error e) {
            scope.end(TransactionHooks.Outcome.UNKNOWN);
            throw e;
        }
        scope.end(TransactionHooks.Outcome.COMMITTED);
        return result;
    }
}
