package dev.idempotency;

/**
 * The store could not be reached or answered wrongly; the method did not run (fail closed). A web layer maps it to 503.
 *
 * <p>{@link #isUnreachable()} tells the two apart: only a store that cannot be reached at all (connection refused or
 * lost, a timeout before any answer, a pool with no connection to give) is "unreachable". A store that answered (a
 * deadlock, a garbage record, a key the database rejects) is not, and {@code failOpen} never applies to it.
 */
public class IdempotencyStoreException extends IdempotencyException {
    private static final long serialVersionUID = 1L;

    /** Whether the store could not be reached at all. */
    private final boolean unreachable;

    /**
     * A failure of a store that answered (not {@linkplain #isUnreachable() unreachable}), without a cause.
     *
     * @param message   the detail message
     * @param namespace the namespace of the method the failure is about, or {@code null}
     * @param key       the evaluated key, or {@code null} when there is none
     */
    public IdempotencyStoreException(String message, String namespace, String key) {
        this(message, namespace, key, null, false);
    }

    /**
     * A failure of a store that answered (not {@linkplain #isUnreachable() unreachable}).
     *
     * @param message   the detail message
     * @param namespace the namespace of the method the failure is about, or {@code null}
     * @param key       the evaluated key, or {@code null} when there is none
     * @param cause     the underlying failure, or {@code null}
     */
    public IdempotencyStoreException(String message, String namespace, String key, Throwable cause) {
        this(message, namespace, key, cause, false);
    }

    /**
     * A store failure that says whether the store could be reached. Store implementations use this constructor with
     * {@code unreachable} true for a refused or lost connection, a timeout before any answer, or a pool with no
     * connection to give.
     *
     * @param message     the detail message
     * @param namespace   the namespace of the method the failure is about, or {@code null}
     * @param key         the evaluated key, or {@code null} when there is none
     * @param cause       the underlying failure, or {@code null}
     * @param unreachable whether the store could not be reached at all (see {@link #isUnreachable()})
     */
    public IdempotencyStoreException(String message, String namespace, String key, Throwable cause,
                                     boolean unreachable) {
        super(message, namespace, key, cause);
        this.unreachable = unreachable;
    }

    /**
     * Whether the store could not be reached at all, as opposed to answering wrongly. Only an unreachable store lets
     * a runtime configured with {@code failOpen} run the method without deduplication.
     *
     * @return {@code true} if the store could not be reached at all; {@code false} if it answered, but wrongly
     */
    public boolean isUnreachable() {
        return unreachable;
    }
}
