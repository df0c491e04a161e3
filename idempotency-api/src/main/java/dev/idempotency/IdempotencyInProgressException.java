package dev.idempotency;

/**
 * Another call holds the key and its lease is alive, so this call did not run: at once with
 * {@link OnInProgress#REJECT}, or after waiting a lease in vain with {@link OnInProgress#WAIT}. A web layer maps it to
 * 409. The caller may retry later with the same key: once the first call completes, the retry gets its result.
 */
public class IdempotencyInProgressException extends IdempotencyException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception without a cause.
     *
     * @param message   the detail message
     * @param namespace the namespace of the method the failure is about, or {@code null}
     * @param key       the evaluated key, or {@code null} when there is none
     */
    public IdempotencyInProgressException(String message, String namespace, String key) {
        super(message, namespace, key);
    }

    /**
     * An exception with a cause.
     *
     * @param message   the detail message
     * @param namespace the namespace of the method the failure is about, or {@code null}
     * @param key       the evaluated key, or {@code null} when there is none
     * @param cause     the underlying failure, or {@code null}
     */
    public IdempotencyInProgressException(String message, String namespace, String key, Throwable cause) {
        super(message, namespace, key, cause);
    }
}
