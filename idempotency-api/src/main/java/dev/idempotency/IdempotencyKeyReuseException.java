package dev.idempotency;

/** The key is known with a different payload fingerprint; the method did not run. A web layer maps it to 422. */
public class IdempotencyKeyReuseException extends IdempotencyException {
    private static final long serialVersionUID = 1L;

    public IdempotencyKeyReuseException(String message, String namespace, String key) {
        super(message, namespace, key);
    }

    public IdempotencyKeyReuseException(String message, String namespace, String key, Throwable cause) {
        super(message, namespace, key, cause);
    }
}
