package dev.idempotency.spi;

import java.util.Objects;

/**
 * The stored result of a call, encoded as text by the method's declared return type.
 *
 * @param kind what the body holds
 * @param type for {@link Kind#EXCEPTION}, the exception's class name; otherwise {@code null}
 * @param body the JSON text of the value or exception, or for {@link Kind#UNREPLAYABLE} the reason
 */
public record Outcome(Kind kind, String type, String body) {

    public enum Kind {
        /** The method returned; {@code body} is the JSON of the value ({@code ""} for void). */
        VALUE,
        /** The method threw a remembered exception; {@code type} names it, {@code body} is its JSON. */
        EXCEPTION,
        /** The method ran but its result could not be encoded; replays fail with that reason and never re-run it. */
        UNREPLAYABLE
    }

    public Outcome {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(body, "body");
        if ((kind == Kind.EXCEPTION) != (type != null)) {
            throw new IllegalArgumentException("an exception outcome names its type, and only it does");
        }
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
}
