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

    /** The fields to set, in the order to set them. */
    Map<String, String> sign(SignedMessage message);
}
