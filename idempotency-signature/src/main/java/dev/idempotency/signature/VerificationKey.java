package dev.idempotency.signature;

import dev.idempotency.signature.internal.Crypto;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;

/**
 * A key a verifier accepts signatures by: an HMAC-SHA256 secret or an Ed25519 public key. Never prints its material:
 * {@link #toString()} names the algorithm only, so a key that ends up in a log or an exception message leaks nothing.
 * Immutable and thread-safe.
 */
public final class VerificationKey {

    private final SignatureAlgorithm algorithm;
    private final Mac hmac;
    private final byte[] secret;
    private final PublicKey publicKey;

    private VerificationKey(SignatureAlgorithm algorithm, byte[] secret, PublicKey publicKey) {
        this.algorithm = algorithm;
        this.secret = secret;
        this.hmac = secret == null ? null : Crypto.hmacSha256(secret);
        this.publicKey = publicKey;
    }

    /**
     * A shared HMAC-SHA256 secret. It also serves the legacy scheme, which signs with the same secret.
     *
     * @param secret the secret bytes; copied
     * @return the key
     * @throws NullPointerException if {@code secret} is null
     */
    public static VerificationKey hmacSha256(byte[] secret) {
        return new VerificationKey(SignatureAlgorithm.HMAC_SHA256, Objects.requireNonNull(secret, "secret").clone(), null);
    }

    /**
     * An Ed25519 public key.
     *
     * @param publicKey an Ed25519 (or EdDSA) public key
     * @return the key
     * @throws NullPointerException if {@code publicKey} is null
     * @throws IllegalArgumentException if the key is not an Ed25519 key
     */
    public static VerificationKey ed25519(PublicKey publicKey) {
        Objects.requireNonNull(publicKey, "publicKey");
        if (!publicKey.getAlgorithm().equals("Ed25519") && !publicKey.getAlgorithm().equals("EdDSA")) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + publicKey.getAlgorithm());
        }
        return new VerificationKey(SignatureAlgorithm.ED25519, null, publicKey);
    }

    /**
     * An Ed25519 public key in its X.509 (SubjectPublicKeyInfo) encoding, the body of a PEM {@code PUBLIC KEY}.
     *
     * @param x509 the DER bytes of the encoding
     * @return the key
     * @throws IllegalArgumentException if the bytes are not an X.509-encoded Ed25519 public key
     */
    public static VerificationKey ed25519(byte[] x509) {
        try {
            return ed25519(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(x509)));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("not an X.509-encoded Ed25519 public key");
        }
    }

    /**
     * A key from its configuration form: {@code hmac-sha256:<base64 secret>} or
     * {@code ed25519:<base64 X.509 public key>} (standard or URL-safe base64, padding optional). A bad value is
     * refused without repeating it.
     *
     * @param spec the key in configuration form; null is refused like any bad value
     * @return the key
     * @throws IllegalArgumentException if {@code spec} is not a key in one of the two forms
     */
    public static VerificationKey parse(String spec) {
        int colon = spec == null ? -1 : spec.indexOf(':');
        String alg = colon < 0 ? "" : spec.substring(0, colon).trim();
        byte[] material = colon < 0 ? null : decode(spec.substring(colon + 1).trim());
        if (material != null && material.length > 0) {
            if (alg.equals(SignatureAlgorithm.HMAC_SHA256.id())) {
                return hmacSha256(material);
            }
            if (alg.equals(SignatureAlgorithm.ED25519.id())) {
                return ed25519(material);
            }
        }
        throw new IllegalArgumentException("not a key: expected hmac-sha256:<base64 secret> or"
                + " ed25519:<base64 X.509 public key> (the value is not repeated here)");
    }

    static byte[] decode(String base64) {
        try {
            return base64.indexOf('-') >= 0 || base64.indexOf('_') >= 0
                    ? Base64.getUrlDecoder().decode(base64) : Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The algorithm this key verifies.
     *
     * @return {@link SignatureAlgorithm#HMAC_SHA256} or {@link SignatureAlgorithm#ED25519}
     */
    public SignatureAlgorithm algorithm() {
        return algorithm;
    }

    /** Whether {@code signature} is this key's signature of {@code base}; HMACs are compared in constant time. */
    boolean verifies(byte[] base, byte[] signature) {
        if (hmac != null) {
            return Crypto.equal(Crypto.copy(hmac).doFinal(base), signature);
        }
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(publicKey);
            verifier.update(base);
            return verifier.verify(signature);
        } catch (SignatureException | InvalidKeyException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw Crypto.unexpected(e);
        }
    }

    /** The shared secret, for the legacy scheme's MD5 (null for public keys). */
    byte[] secret() {
        return secret;
    }

    Mac hmacCopy() {
        return Crypto.copy(hmac);
    }

    @Override
    public String toString() {
        return algorithm.id() + (hmac != null ? " secret (hidden)" : " public key");
    }
}
