package dev.idempotency.signature;

/**
 * The RFC 9421 algorithms this module signs and verifies. Two on purpose: {@code hmac-sha256} for a secret shared
 * per client (cheap, symmetric: whoever can verify can also sign), {@code ed25519} where the server must hold no
 * secret (the client keeps the private key; small keys and signatures, deterministic, in the JDK since 15). RSA and
 * ECDSA add key-format and side-channel care without adding a use case here.
 */
public enum SignatureAlgorithm {
    /** HMAC using SHA-256 with a secret shared by client and server; RFC 9421 name {@code hmac-sha256}. */
    HMAC_SHA256("hmac-sha256"),
    /** EdDSA over Curve25519 (the client holds the private key, the server the public key); name {@code ed25519}. */
    ED25519("ed25519");

    private final String id;

    SignatureAlgorithm(String id) {
        this.id = id;
    }

    /**
     * The name in the RFC's registry, as in the {@code alg} parameter.
     *
     * @return {@code hmac-sha256} or {@code ed25519}
     */
    public String id() {
        return id;
    }

    /**
     * The algorithm for a registry name, matched exactly (case-sensitive).
     *
     * @param id a name such as {@code hmac-sha256}; may be null
     * @return the algorithm of that name, or null if none has it
     */
    public static SignatureAlgorithm ofId(String id) {
        for (SignatureAlgorithm a : values()) {
            if (a.id.equals(id)) {
                return a;
            }
        }
        return null;
    }
}
