package dev.idempotency.internal;

import com.fasterxml.jackson.databind.ObjectWriter;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Payload fingerprints: SHA-256 over the canonical JSON of a value (properties and map keys sorted), so equal
 * payloads agree across calls, processes and restarts.
 */
final class Fingerprints {

    /** The fingerprint of a method whose payload check is switched off. */
    static final String NONE = "-";

    private static final ObjectWriter WRITER = Json.CANONICAL.writer();
    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    });

    private Fingerprints() {
    }

    /** 43 characters of unpadded base64url. */
    static String of(Object value) throws com.fasterxml.jackson.core.JsonProcessingException {
        byte[] canonical = WRITER.writeValueAsBytes(value);
        return BASE64.encodeToString(SHA256.get().digest(canonical));
    }
}
