package dev.idempotency.spring.boot.autoconfigure;

/**
 * An {@code idempotency.*} property whose value the runtime refuses; {@link IdempotencyFailureAnalyzer} turns it into
 * Spring Boot's start-up report, naming the property, the value, the reason and the fix.
 */
public class InvalidIdempotencyPropertyException extends RuntimeException {

    private final String property;
    private final Object value;
    private final String reason;
    private final String action;

    public InvalidIdempotencyPropertyException(String property, Object value, String reason, String action,
                                               Throwable cause) {
        super(property + "=" + value + ": " + reason, cause);
        this.property = property;
        this.value = value;
        this.reason = reason;
        this.action = action;
    }

    public String getProperty() {
        return property;
    }

    public Object getValue() {
        return value;
    }

    /** Why the value is refused, in the runtime's words. */
    public String getReason() {
        return reason;
    }

    /** What to change, e.g. "Set idempotency.ttl to a positive duration, e.g. 10m or PT1H." */
    public String getAction() {
        return action;
    }
}
