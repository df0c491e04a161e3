package dev.idempotency;

/**
 * The library is set up wrongly: a bad key or fingerprint expression, an unsupported return type, a payload without
 * readable state, too broad {@code rememberExceptions}, an unknown or malformed store URI, or a bad setting. It is
 * thrown when the configuration is built, or at the latest by every call of the method concerned, before its body
 * runs; retrying does not help until the configuration is fixed.
 */
public class IdempotencyConfigurationException extends IdempotencyException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception without a cause.
     *
     * @param message   the detail message
     * @param namespace the namespace of the method the failure is about, or {@code null}
     * @param key       the evaluated key, or {@code null} when there is none
     */
    public IdempotencyConfigurationException(String message, String namespace, String key) {
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
    public IdempotencyConfigurationException(String message, String namespace, String key, Throwable cause) {
        super(message, namespace, key, cause);
    }
}
