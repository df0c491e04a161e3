package dev.idempotency;

/** The key evaluated to null, blank, or longer than 255 characters. A web layer maps it to 400. */
public class IdempotencyKeyException extends IdempotencyException {
    private static final long serialVersionUID = 1L;

    public IdempotencyKeyException(String message, String namespace, String key) {
        super(message, namespace, key);
    }

    public IdempotencyKeyException(String message, String namespace, String key, Throwable cause) {
        super(message, namespace, key, cause);
    }
}
