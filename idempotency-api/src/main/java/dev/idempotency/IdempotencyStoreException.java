package dev.idempotency;

/** The store could not be reached or answered wrongly; the method did not run (fail closed). A web layer maps it to 503. */
public class IdempotencyStoreException extends IdempotencyException {
    private static final long serialVersionUID = 1L;

    public IdempotencyStoreException(String message, String namespace, String key) {
        super(message, namespace, key);
    }

    public IdempotencyStoreException(String message, String namespace, String key, Throwable cause) {
        super(message, namespace, key, cause);
    }
}
