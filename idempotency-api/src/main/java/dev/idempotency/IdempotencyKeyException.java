package dev.idempotency;

/**
 * The key is unusable: it evaluated to {@code null} or blank, is longer than 255 characters, or holds a control
 * character, an invisible formatting or line-breaking character or a lone surrogate; or a request header that the key
 * reads was sent more than once or is malformed. The method did not run. A web layer maps it to 400.
 */
public class IdempotencyKeyException extends IdempotencyException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception without a cause.
     *
     * @param message   the detail message
     * @param namespace the namespace of the method the failure is about, or {@code null}
     * @param key       the evaluated key, or {@code null} when there is none
     */
    public IdempotencyKeyException(String message, String namespace, String key) {
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
    public IdempotencyKeyException(String message, String namespace, String key, Throwable cause) {
        super(message, namespace, key, cause);
    }
}
