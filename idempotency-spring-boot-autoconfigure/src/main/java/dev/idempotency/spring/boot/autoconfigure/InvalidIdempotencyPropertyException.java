package dev.idempotency.spring.boot.autoconfigure;

/**
 * An {@code idempotency.*} property whose value the runtime refuses; {@link IdempotencyFailureAnalyzer} turns it into
 * Spring Boot's start-up report, naming the property, the value, the reason and the fix.
 */
public class InvalidIdempotencyPropertyException extends RuntimeException {

    /** The property's name, e.g. {@code idempotency.ttl}. */
    private final String property;
    /** The refused value as bound, possibly {@code null}. */
    private final Object value;
    /** Why the value is refused. */
    private final String reason;
    /** What to change. */
    private final String action;

    /**
     * An exception for a refused value; its message is {@code property=value: reason}.
     *
     * @param property the property's name, e.g. {@code idempotency.ttl}
     * @param value    the refused value, possibly {@code null}; must not hold a password in clear
     * @param reason   why the value is refused
     * @param action   what to change, as a sentence
     * @param cause    the runtime's own exception, or {@code null}
     */
    public InvalidIdempotencyPropertyException(String property, Object value, String reason, String action,
                                               Throwable cause) {
        super(property + "=" + value + ": " + reason, cause);
        this.property = property;
        this.value = value;
        this.reason = reason;
        this.action = action;
    }

    /**
     * The property whose value is refused.
     *
     * @return the property's name, e.g. {@code idempotency.ttl}
     */
    public String getProperty() {
        return property;
    }

    /**
     * The refused value.
     *
     * @return the value as bound (a store URI with its password masked), possibly {@code null}
     */
    public Object getValue() {
        return value;
    }

    /**
     * Why the value is refused, in the runtime's words.
     *
     * @return the reason
     */
    public String getReason() {
        return reason;
    }

    /**
     * What to change, e.g. "Set idempotency.ttl to a positive duration, e.g. 10m or PT1H."
     *
     * @return the action, as a sentence
     */
    public String getAction() {
        return action;
    }
}
