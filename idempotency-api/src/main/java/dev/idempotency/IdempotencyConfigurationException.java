package dev.idempotency;

/** A bad expression, an unsupported return type, an unknown store URI or a bad setting. */
public class IdempotencyConfigurationException extends IdempotencyException {
    private static final long serialVersionUID = 1L;

    public IdempotencyConfigurationException(String message, String namespace, String key) {
        super(message, namespace, key);
    }

    public IdempotencyConfigurationException(String message, String namespace, String key, Throwable cause) {
        super(message, namespace, key, cause);
    }
}
