package dev.idempotency;

/**
 * What a call does when another call holds its key and the holder's lease is alive: {@link Idempotent#onInProgress()},
 * or {@code onInProgress(...)} of a programmatic call. A holder whose lease has run out (its process died) is taken
 * over in either case: the call claims the key and runs.
 */
public enum OnInProgress {
    /** Fail at once with {@link IdempotencyInProgressException}. */
    REJECT,
    /**
     * Wait for the holder and return its result; throw {@link IdempotencyInProgressException} if no result arrives
     * within the method's lease. If the holder gives the key up (its call failed), the waiter claims and runs it.
     */
    WAIT
}
