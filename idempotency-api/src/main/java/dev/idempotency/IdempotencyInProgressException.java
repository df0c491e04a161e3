package dev.idempotency;

/** Another call holds the key and its lease is alive. A web layer maps it to 409. */
public class IdempotencyInProgressException extends IdempotencyException {
    private static final long serialVersionUID = 1L;

    public IdempotencyInProgressException(String message, String namespace, String key) {
        super(message, namespace, key);
    }

    public IdempotencyInProgressException(String message, String namespace, String key, Throwable cause) {
        super(message, namespace, key, cause);
    }
}
