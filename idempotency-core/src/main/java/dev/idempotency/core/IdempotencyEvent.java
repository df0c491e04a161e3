package dev.idempotency.core;

/**
 * Something that happened to one call, as {@link IdempotencyListener}s see it.
 *
 * @param type      what happened
 * @param namespace the method's namespace
 * @param key       the evaluated key
 * @param method    the method, e.g. {@code TransferService.transfer(TransferRequest)}; for a programmatic call, a
 *                  description naming its namespace
 * @param error     for {@link Type#STORE_ERROR}, the failure; otherwise {@code null}
 */
public record IdempotencyEvent(Type type, String namespace, String key, String method, Throwable error) {

    /** What happened to a call. */
    public enum Type {
        /** The method ran and its outcome was recorded. */
        EXECUTED,
        /** A completed record answered the call; the method did not run. */
        REPLAYED,
        /** Another call held the key; this one was refused with {@code IdempotencyInProgressException}. */
        REJECTED,
        /** The key was known with another payload; refused with {@code IdempotencyKeyReuseException}. */
        KEY_REUSE,
        /** The call claimed a key whose previous holder's lease had expired. */
        TAKEN_OVER,
        /** The store failed; the exception says how. */
        STORE_ERROR,
        /** The method ran but its claim had been taken over meanwhile, so its outcome was not recorded. */
        LEASE_LOST,
        /**
         * Another call holds the key and this one ({@code WAIT}) starts waiting for its outcome; it ends with
         * {@code REPLAYED}, {@code REJECTED}, or a run of its own if the holder gives the key up.
         */
        WAITING
    }
}
