package dev.idempotency;

/** The root of every exception this library throws. Each names the namespace and the key it is about. */
public class IdempotencyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String namespace;
    private final String key;

    public IdempotencyException(String message, String namespace, String key) {
        this(message, namespace, key, null);
    }

    public IdempotencyException(String message, String namespace, String key, Throwable cause) {
        super(message, cause);
        this.namespace = namespace;
        this.key = key;
    }

    /** The namespace of the method the failure is about, or {@code null} when no method is involved. */
    public String getNamespace() {
        return namespace;
    }

    /** The evaluated key, or {@code null} when the failure came before a key existed. */
    public String getKey() {
        return key;
    }
}
