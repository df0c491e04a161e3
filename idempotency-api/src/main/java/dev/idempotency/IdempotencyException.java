package dev.idempotency;

/**
 * The root of every exception this library throws. Each names the namespace and the key it is about, in its message
 * and through {@link #getNamespace()} and {@link #getKey()}, either of which may be {@code null} when the failure is
 * not about one method or one key (a bad setting, say).
 *
 * <p>It is unchecked. A caller that wants to tell the cases apart catches the subclasses, each of which a web layer
 * maps to its own HTTP status:
 *
 * <pre>{@code
 * try {
 *     return payments.transfer(request);
 * } catch (IdempotencyKeyException e) {            // 400: no usable key
 *     ...
 * } catch (IdempotencyInProgressException e) {     // 409: another call holds the key; retry later
 *     ...
 * } catch (IdempotencyKeyReuseException e) {       // 422: the key was used with another payload
 *     ...
 * } catch (IdempotencyStoreException e) {          // 503: the store failed; the method did not run
 *     ...
 * }
 * }</pre>
 */
public class IdempotencyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The namespace of the method the failure is about, or {@code null}. */
    private final String namespace;
    /** The evaluated key, or {@code null}. */
    private final String key;

    /**
     * An exception without a cause.
     *
     * @param message   the detail message, which should name the namespace and the key where there are any
     * @param namespace the namespace of the method the failure is about, or {@code null}
     * @param key       the evaluated key, or {@code null} when there is none (yet)
     */
    public IdempotencyException(String message, String namespace, String key) {
        this(message, namespace, key, null);
    }

    /**
     * An exception with a cause.
     *
     * @param message   the detail message, which should name the namespace and the key where there are any
     * @param namespace the namespace of the method the failure is about, or {@code null}
     * @param key       the evaluated key, or {@code null} when there is none (yet)
     * @param cause     the underlying failure, or {@code null}
     */
    public IdempotencyException(String message, String namespace, String key, Throwable cause) {
        super(message, cause);
        this.namespace = namespace;
        this.key = key;
    }

    /**
     * The namespace of the method the failure is about.
     *
     * @return the namespace, or {@code null} when no method is involved
     */
    public String getNamespace() {
        return namespace;
    }

    /**
     * The evaluated key the failure is about.
     *
     * @return the key, or {@code null} when the failure came before a key existed
     */
    public String getKey() {
        return key;
    }
}
