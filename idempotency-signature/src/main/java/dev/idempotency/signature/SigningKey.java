package dev.idempotency.signature;

import dev.idempotency.signature.internal.Crypto;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Objects;
import javax.crypto.Mac;

/**
 * What a client signs with: a key id (sent as {@code keyid}) and an HMAC-SHA256 secret or an Ed25519 private key.
 * {@link #toString()} shows the key id and algorithm only. Immutable and thread-safe.
 *
 * <pre>{@code
 * SigningKey hmac = SigningKey.hmacSha256("client-1", secretBytes);
 * SigningKey ed = SigningKey.parse("partner-7", System.getenv("SIGNING_KEY")); // "ed25519:<base64 PKCS#8>"
 * }</pre>
 */
public final class SigningKey {

    private final String keyId;
    private final SignatureAlgorithm algorithm;
    private final Mac hmac;
    private final byte[] secret;
    private final PrivateKey privateKey;

    private SigningKey(String keyId, SignatureAlgorithm algorithm, byte[] secret, PrivateKey privateKey) {
        if (keyId == null || keyId.isEmpty() || !keyId.chars().allMatch(c -> c >= 0x20 && c <= 0x7E)) {
            throw new IllegalArgumentException("a key id is 1 or more printable ASCII characters, but was " + keyId);
        }
        this.keyId = keyId;
        this.algorithm = algorithm;
        this.secret = secret;
        this.hmac = secret == null ? null : Crypto.hmacSha256(secret);
        this.privateKey = privateKey;
    }

    /**
     * An HMAC-SHA256 secret shared with the server under {@code keyId}.
     *
     * @param keyId the key id the server knows the secret by: 1 or more printable ASCII characters
     * @param secret the secret bytes; copied, so the caller may clear its array afterwards
     * @return the signing key
     * @throws NullPointerException if {@code secret} is null
     * @throws IllegalArgumentException if {@code keyId} is null, empty or not printable ASCII
     */
    public static SigningKey hmacSha256(String keyId, byte[] secret) {
        return new SigningKey(keyId, SignatureAlgorithm.HMAC_SHA256, Objects.requireNonNull(secret, "secret").clone(),
                null);
    }

    /**
     * An Ed25519 private key whose public key the server knows under {@code keyId}.
     *
     * @param keyId the key id the server knows the public key by: 1 or more printable ASCII characters
     * @param privateKey an Ed25519 (or EdDSA) private key
     * @return the signing key
     * @throws NullPointerException if {@code privateKey} is null
     * @throws IllegalArgumentException if the key is not an Ed25519 key, or {@code keyId} is not valid
     */
    public static SigningKey ed25519(String keyId, PrivateKey privateKey) {
        Objects.requireNonNull(privateKey, "privateKey");
        if (!privateKey.getAlgorithm().equals("Ed25519") && !privateKey.getAlgorithm().equals("EdDSA")) {
            throw new IllegalArgumentException("not an Ed25519 private key: " + privateKey.getAlgorithm());
        }
        return new SigningKey(keyId, SignatureAlgorithm.ED25519, null, privateKey);
    }

    /**
     * An Ed25519 private key in its PKCS#8 encoding, the body of a PEM {@code PRIVATE KEY}.
     *
     * @param keyId the key id the server knows the public key by: 1 or more printable ASCII characters
     * @param pkcs8 the DER bytes of the PKCS#8 encoding
     * @return the signing key
     * @throws IllegalArgumentException if the bytes are not a PKCS#8 Ed25519 private key, or {@code keyId} is not
     *         valid
     */
    public static SigningKey ed25519(String keyId, byte[] pkcs8) {
        try {
            return ed25519(keyId, KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(pkcs8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a PKCS#8-encoded Ed25519 private key");
        }
    }

    /**
     * A key from its configuration form: {@code hmac-sha256:<base64 secret>} or
     * {@code ed25519:<base64 PKCS#8 private key>} (standard or URL-safe base64). A bad value is refused without
     * repeating it.
     *
     * @param keyId the key id the server knows the key by: 1 or more printable ASCII characters
     * @param spec the key in configuration form; null is refused like any bad value
     * @return the signing key
     * @throws IllegalArgumentException if {@code spec} is not a key in one of the two forms, or {@code keyId} is not
     *         valid
     */
    public static SigningKey parse(String keyId, String spec) {
        int colon = spec == null ? -1 : spec.indexOf(':');
        String alg = colon < 0 ? "" : spec.substring(0, colon).trim();
        byte[] material = colon < 0 ? null : VerificationKey.decode(spec.substring(colon + 1).trim());
        if (material != null && material.length > 0) {
            if (alg.equals(SignatureAlgorithm.HMAC_SHA256.id())) {
                return hmacSha256(keyId, material);
            }
            if (alg.equals(SignatureAlgorithm.ED25519.id())) {
                return ed25519(keyId, material);
            }
        }
        throw new IllegalArgumentException("not a signing key for " + keyId + ": expected hmac-sha256:<base64 secret>"
                + " or ed25519:<base64 PKCS#8 private key> (the value is not repeated here)");
    }

    /**
     * The key id, sent as the signature's {@code keyid} parameter.
     *
     * @return the key id
     */
    public String keyId() {
        return keyId;
    }

    /**
     * The algorithm this key signs with, sent as the {@code alg} parameter.
     *
     * @return {@link SignatureAlgorithm#HMAC_SHA256} or {@link SignatureAlgorithm#ED25519}
     */
    public SignatureAlgorithm algorithm() {
        return algorithm;
    }

    byte[] sign(byte[] base) {
        if (hmac != null) {
            return Crypto.copy(hmac).doFinal(base);
        }
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(privateKey);
            signer.update(base);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw Crypto.unexpected(e);
        }
    }

    byte[] secret() {
        return secret;
    }

    Mac hmacCopy() {
        return hmac == null ? null : Crypto.copy(hmac);
    }

    @Override
    public String toString() {
        return "SigningKey[" + keyId + ", " + algorithm.id() + ", material hidden]";
    }
}
