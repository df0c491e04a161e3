package dev.idempotency.internal;

/**
 * A payload holds an object with no state a fingerprint could compare: writing it as empty would make every such
 * payload agree, so the call is refused instead.
 */
final class UnreadablePayloadException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient Class<?> type;

    UnreadablePayloadException(Class<?> type, String why) {
        super(type.getName() + " cannot be fingerprinted: " + why);
        this.type = type;
    }

    Class<?> type() {
        return type;
    }
}
