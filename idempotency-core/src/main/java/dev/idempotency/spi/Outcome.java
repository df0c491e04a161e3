package dev.idempotency.spi;

import java.util.Objects;
import java.util.function.Function;

/**
 * The stored result of a call, encoded as text by the method's declared return type.
 *
 * <p>A store that keeps records inside the JVM ({@link IdempotencyStore#inProcess()}) may be handed a <em>live</em>
 * outcome: an immutable result kept as it is, so that neither the first call encodes it nor a replay decodes it.
 * Its {@link #body()} is still available: it is encoded the first time it is asked for.
 */
public final class Outcome {

    public enum Kind {
        /** The method returned; {@code body} is the JSON of the value ({@code ""} for void). */
        VALUE,
        /** The method threw a remembered exception; {@code type} names it, {@code body} is its JSON. */
        EXCEPTION,
        /** The method ran but its result could not be encoded; replays fail with that reason and never re-run it. */
        UNREPLAYABLE
    }

    private final Kind kind;
    private final String type;
    private volatile String body;
    private final Object liveValue;
    private final Function<Object, String> encoder;

    /**
     * @param kind what the body holds
     * @param type for {@link Kind#EXCEPTION}, the exception's class name; otherwise {@code null}
     * @param body the JSON text of the value or exception, or for {@link Kind#UNREPLAYABLE} the reason
     */
    public Outcome(Kind kind, String type, String body) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.body = Objects.requireNonNull(body, "body");
        this.type = type;
        this.liveValue = null;
        this.encoder = null;
        if ((kind == Kind.EXCEPTION) != (type != null)) {
            throw new IllegalArgumentException("an exception outcome names its type, and only it does");
        }
    }

    private Outcome(Object liveValue, Function<Object, String> encoder) {
        this.kind = Kind.VALUE;
        this.type = null;
        this.liveValue = liveValue;
        this.encoder = Objects.requireNonNull(encoder, "encoder");
    }

    public static Outcome value(String json) {
        return new Outcome(Kind.VALUE, null, json);
    }

    public static Outcome exception(String type, String json) {
        return new Outcome(Kind.EXCEPTION, type, json);
    }

    public static Outcome unreplayable(String reason) {
        return new Outcome(Kind.UNREPLAYABLE, null, reason);
    }

    /** An immutable value kept as it is; {@code encoder} gives its JSON if a store asks for the body. */
    public static Outcome live(Object immutableValue, Function<Object, String> encoder) {
        return new Outcome(immutableValue, encoder);
    }

    public Kind kind() {
        return kind;
    }

    public String type() {
        return type;
    }

    /** The JSON text (encoded now if this is a live outcome that was never encoded). */
    public String body() {
        String b = body;
        if (b == null) {
            b = encoder.apply(liveValue);
            body = b;
        }
        return b;
    }

    /** Whether this outcome holds its value as it is (see {@link #liveValue()}). */
    public boolean isLive() {
        return encoder != null;
    }

    /** The immutable value of a live outcome; {@code null} otherwise (or when the value is null). */
    public Object liveValue() {
        return liveValue;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Outcome other && kind == other.kind && Objects.equals(type, other.type)
                && body().equals(other.body());
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, type, body());
    }

    @Override
    public String toString() {
        String b = isLive() && body == null ? "(live " + (liveValue == null ? "null" : liveValue.getClass().getName())
                + ")" : body;
        return "Outcome[kind=" + kind + ", type=" + type + ", body=" + b + "]";
    }
}
