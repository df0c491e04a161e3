package dev.idempotency.signature;

import java.util.Map;

/**
 * Signs one attempt of a message: returns the header fields to set on it (replacing any of the same name). Called
 * again for every attempt, so each retry carries a fresh {@code created}, nonce and signature while the body and the
 * {@code Idempotency-Key} stay the same. Implementations: {@link HttpMessageSigner} (RFC 9421) and
 * {@link LegacyScheme#signer} (Timestamp + Sign).
 */
@FunctionalInterface
public interface RequestSigner {

    /**
     * Signs one attempt of the message.
     *
     * @param message the message as it will be sent: its headers (including {@code Idempotency-Key}, if any) and body
     * @return the header fields to set on this attempt, name to value, in the order to set them; each replaces any
     *         field of the same name already on the message
     * @throws IllegalArgumentException if the message cannot be signed by this scheme (for example a body type the
     *         legacy scheme does not cover)
     */
    Map<String, String> sign(SignedMessage message);
}
