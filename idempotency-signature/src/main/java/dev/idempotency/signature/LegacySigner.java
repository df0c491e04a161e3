package dev.idempotency.signature;

import dev.idempotency.signature.internal.Crypto;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Signs requests with the {@link LegacyScheme}: timestamp, nonce and hex signature, fresh on every call. */
final class LegacySigner implements RequestSigner {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final LegacyScheme scheme;
    private final SigningKey key;
    private final Clock clock;

    LegacySigner(LegacyScheme scheme, SigningKey key, Clock clock) {
        this.scheme = Objects.requireNonNull(scheme, "scheme");
        this.key = Objects.requireNonNull(key, "key");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (key.algorithm() != SignatureAlgorithm.HMAC_SHA256) {
            throw new IllegalArgumentException("the legacy scheme signs with a shared secret, not " + key.algorithm().id());
        }
    }

    @Override
    public Map<String, String> sign(SignedMessage message) {
        if (!(message instanceof SignedRequest request)) {
            throw new IllegalArgumentException("the legacy scheme signs HTTP requests only");
        }
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String canonical;
        try {
            canonical = LegacyScheme.canonical(request, timestamp, nonce);
        } catch (SignatureBase.Failure e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        Map<String, String> out = new LinkedHashMap<>();
        if (scheme.keyIdHeader() != null) {
            out.put(scheme.keyIdHeader(), key.keyId());
        }
        out.put(scheme.timestampHeader(), timestamp);
        out.put(scheme.nonceHeader(), nonce);
        out.put(scheme.signHeader(), Crypto.hex(scheme.digest(canonical, key.secret(), key.hmacCopy())));
        return out;
    }

    @Override
    public String toString() {
        return "LegacySigner[" + scheme + ", " + key + "]";
    }
}
