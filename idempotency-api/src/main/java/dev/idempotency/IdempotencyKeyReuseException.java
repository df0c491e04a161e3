package dev.idempotency;

/**
 * The key is known with a different payload fingerprint: the same key was sent for a different request. The method
 * did not run, and the stored result is not returned. A web layer maps it to 422.
 */
public class IdempotencyKeyReuseException extends IdempotencyException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception without a cause.
     *
     * @param message   the detail message
     * @param namespace the namespace of the method the failure is about, or {@code null}
     * @param key       the evaluated key, or {@code null} when there is none
     */
    public IdempotencyKeyReuseException(String message, String namespace, String key) {
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
    public IdempotencyKeyReuseException(String message, String namespace, String key, Throwable cause) {
        super(message, namespace, key, cause);
    }
}
