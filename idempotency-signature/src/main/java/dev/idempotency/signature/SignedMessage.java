package dev.idempotency.signature;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a verifier or signer reads of a message: its header fields and its body. A message that is not an HTTP request
 * (a queue message with attributes, a webhook stored for later) implements only this; a request implements
 * {@link SignedRequest}. Adapters (a servlet filter, an agent, Spring) wrap their own request type in a few lines.
 */
public interface SignedMessage {

    /**
     * Every field line of the named field, in the order received; empty when absent. Names are matched
     * case-insensitively.
     *
     * @param name a header field name, in any case
     * @return the field's lines; never null
     */
    List<String> headerValues(String name);

    /**
     * The body as sent. Read once per verification; callers do not modify the array.
     *
     * @return the body bytes; an empty array when there is none, never null
     */
    byte[] body();

    /**
     * A message from a header map and a body. Both are copied, so later changes to them do not affect the message.
     *
     * @param headers the header fields, each name (in any case) to its field lines; not null
     * @param body the body; null for none
     * @return an immutable message
     * @throws NullPointerException if {@code headers} is null
     */
    static SignedMessage of(Map<String, List<String>> headers, byte[] body) {
        Map<String, List<String>> copy = copy(headers);
        byte[] content = body == null ? new byte[0] : body.clone();
        return new SignedMessage() {
            @Override
            public List<String> headerValues(String name) {
                List<String> values = copy.get(name);   // callers mostly ask in lowercase already
                return values != null ? values : copy.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
            }

            @Override
            public byte[] body() {
                return content;
            }
        };
    }

    /**
     * The first field line of the named field.
     *
     * @param name a header field name, in any case
     * @return the first line, or null when the field is absent
     */
    default String header(String name) {
        List<String> values = headerValues(name);
        return values.isEmpty() ? null : values.get(0);
    }

    private static Map<String, List<String>> copy(Map<String, List<String>> headers) {
        Map<String, List<String>> copy = new TreeMap<>();
        Objects.requireNonNull(headers, "headers").forEach((k, v) -> copy
                .computeIfAbsent(k.toLowerCase(Locale.ROOT), x -> new java.util.ArrayList<>()).addAll(v));
        copy.replaceAll((k, v) -> List.copyOf(v));
        return copy;
    }
}
