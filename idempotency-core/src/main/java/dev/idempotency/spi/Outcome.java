package dev.idempotency.spi;

import java.util.Objects;
import java.util.function.Function;

/**
 * The stored result of a call, encoded as text by the method's declared return type.
 *
 * <p>A store that keeps records inside the JVM ({@link IdempotencyStore#inProcess()}) may be handed a <em>live</em>
 * outcome: an immutable result kept as it is, so that neither the first call encodes it nor a replay decodes it.
 * Its {@link #body()} is still available: it is encoded the first time it is asked for.
 *
 * <p>A store keeps an outcome's {@link #kind()}, {@link #type()} and {@link #body()} and gives back an equal outcome
 * made with {@link #Outcome(Kind, String, String)} (or the factories) when it reads the record; it never interprets
 * the body. Outcomes are immutable and thread-safe; equality is by kind, type and body.
 */
public final class Outcome {

    /** What an outcome's body holds. */
    public enum Kind {
        /** The method returned; {@code body} is the JSON of the value ({@code ""} for void). */
        VALUE,
        /** The method threw a remembered exception; {@code type} names it, {@code body} is its JSON. */
        EXCEPTION,
        /**
         * The method ran but its result cannot be replayed (see {@link Outcome#unreplayable}); {@code body} is the
         * reason. Replays fail with that reason and never re-run the method.
         */
        UNREPLAYABLE
    }

    private final Kind kind;
    private final String type;
    private volatile String body;
    private final Object liveValue;
    private final Function<Object, String> encoder;

    /**
     * An encoded outcome, as a store reads it back.
     *
     * @param kind what the body holds; not {@code null}
     * @param type for {@link Kind#EXCEPTION}, the exception's class name; otherwise {@code null}
     * @param body the JSON text of the value or exception, or for {@link Kind#UNREPLAYABLE} the reason; not
     *             {@code null}
     * @throws NullPointerException     if {@code kind} or {@code body} is {@code null}
     * @throws IllegalArgumentException if {@code type} is given for a kind other than {@link Kind#EXCEPTION}, or
     *                                  missing for that kind
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

    /**
     * The outcome of a method that returned.
     *
     * @param json the JSON of the returned value, {@code ""} for {@code void}; not {@code null}
     * @return a {@link Kind#VALUE} outcome
     */
    public static Outcome value(String json) {
        return new Outcome(Kind.VALUE, null, json);
    }

    /**
     * The outcome of a method that threw a remembered exception.
     *
     * @param type the exception's class name; not {@code null}
     * @param json the JSON of the exception; not {@code null}
     * @return a {@link Kind#EXCEPTION} outcome
     */
    public static Outcome exception(String type, String json) {
        return new Outcome(Kind.EXCEPTION, type, json);
    }

    /**
     * The outcome of a method that ran but whose result cannot be replayed: its result or remembered exception could
     * not be encoded, its encoding was larger than the configured {@code maxResultSize}, or the commit of the
     * transaction it ran in failed, so that its effect is unknown.
     *
     * @param reason why the result cannot be replayed, for the error its replays fail with; not {@code null}
     * @return a {@link Kind#UNREPLAYABLE} outcome
     */
    public static Outcome unreplayable(String reason) {
        return new Outcome(Kind.UNREPLAYABLE, null, reason);
    }

    /**
     * An immutable value kept as it is; {@code encoder} gives its JSON if a store asks for the body. Made by the
     * runtime, for {@linkplain IdempotencyStore#inProcess() in-process} stores only.
     *
     * @param immutableValue the returned value, which nobody changes; may be {@code null}
     * @param encoder        gives the value's JSON, at most once per outcome in the common case; not {@code null}
     * @return a live {@link Kind#VALUE} outcome
     * @throws NullPointerException if {@code encoder} is {@code null}
     */
    public static Outcome live(Object immutableValue, Function<Object, String> encoder) {
        return new Outcome(immutableValue, encoder);
    }

    /**
     * What the body holds.
     *
     * @return the kind, never {@code null}
     */
    public Kind kind() {
        return kind;
    }

    /**
     * The remembered exception's class name.
     *
     * @return the class name for {@link Kind#EXCEPTION}; {@code null} for the other kinds
     */
    public String type() {
        return type;
    }

    /**
     * The JSON text (encoded now if this is a live outcome that was never encoded).
     *
     * @return the JSON of the value or exception, or the reason for {@link Kind#UNREPLAYABLE}; never {@code null}
     */
    public String body() {
        String b = body;
        if (b == null) {
            b = encoder.apply(liveValue);
            body = b;
        }
        return b;
    }

    /**
     * Whether this outcome holds its value as it is (see {@link #liveValue()}).
     *
     * @return {@code true} for an outcome made by {@link #live}
     */
    public boolean isLive() {
        return encoder != null;
    }

    /**
     * The immutable value of a live outcome.
     *
     * @return the value; {@code null} for an outcome that is not live (or when the value is null)
     */
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
