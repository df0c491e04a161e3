package dev.idempotency.core;

import dev.idempotency.internal.TransactionHooks;

/**
 * A transaction of the application's own (plain JDBC, JTA, anything but Spring's, which is found by itself) that
 * {@code @Idempotent} methods on this thread run in. Their outcomes are recorded only once the transaction commits,
 * and their keys are given up if it rolls back; until then the key stays in progress, so a retry meanwhile is told
 * so (409) and never replays a result whose effect might still be rolled back.
 *
 * <pre>{@code
 * try (IdempotencyTransaction tx = IdempotencyTransaction.begin()) {
 *     payments.pay(request);      // @Idempotent: runs; its record waits for the commit
 *     connection.commit();
 *     tx.committed();             // the records are written now
 * }                               // closed without committed(): rolled back, the keys are free again
 * }</pre>
 *
 * Not needed, and not to be used, with a database store in transactional mode ({@code JdbcIdempotency.bind}),
 * where the record commits or rolls back with the business writes by itself.
 */
public final class IdempotencyTransaction implements AutoCloseable {

    private final TransactionHooks.Scope scope;

    private IdempotencyTransaction(TransactionHooks.Scope scope) {
        this.scope = scope;
    }

    /**
     * Opens the scope on this thread.
     *
     * @throws IllegalStateException if one is already open on this thread
     */
    public static IdempotencyTransaction begin() {
        return new IdempotencyTransaction(TransactionHooks.Scope.open());
    }

    /** Says the transaction committed: the outcomes of the calls made in it are recorded now. */
    public void committed() {
        scope.committed();
    }

    /** Ends the scope; unless {@link #committed()} was called, the transaction is taken as rolled back. */
    @Override
    public void close() {
        scope.close();
    }
}
