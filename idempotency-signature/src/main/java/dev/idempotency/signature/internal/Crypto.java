package dev.idempotency.signature.internal;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Cryptographic primitives prepared once and copied per use: {@code Mac.getInstance} and
 * {@code MessageDigest.getInstance} look the provider up each time (microseconds), a clone of an initialised
 * prototype does not, and a clone is not shared between threads.
 */
public final class Crypto {

    private static final MessageDigest SHA256 = digest("SHA-256");
    private static final MessageDigest SHA512 = digest("SHA-512");
    private static final MessageDigest MD5 = digest("MD5");

    private Crypto() {
    }

    private static MessageDigest digest(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(name + " is missing from this JDK", e);
        }
    }

    private static MessageDigest copy(MessageDigest prototype) {
        try {
            return (MessageDigest) prototype.clone();
        } catch (CloneNotSupportedException e) {
            return digest(prototype.getAlgorithm());
        }
    }

    public static byte[] sha256(byte[] data) {
        return copy(SHA256).digest(data);
    }

    public static byte[] sha512(byte[] data) {
        return copy(SHA512).digest(data);
    }

    public static MessageDigest md5() {
        return copy(MD5);
    }

    /** An initialised HMAC-SHA256 to copy with {@link #copy(Mac)}. */
    public static Mac hmacSha256(byte[] secret) {
        if (secret.length == 0) {
            throw new IllegalArgumentException("an HMAC secret must not be empty");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    public static Mac copy(Mac prototype) {
        try {
            return (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("this JDK's HmacSHA256 cannot be copied", e);
        }
    }

    /** Constant-time comparison, so a forger learns nothing from how long a refusal took. */
    public static boolean equal(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    public static String hex(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = Character.forDigit((bytes[i] >> 4) & 0xF, 16);
            out[2 * i + 1] = Character.forDigit(bytes[i] & 0xF, 16);
        }
        return new String(out);
    }

    /** Hex in either case to bytes, or null when it is not hex. */
    public static byte[] unhex(String s) {
        if (s.length() % 2 != 0) {
            return null;
        }
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(s.charAt(2 * i), 16);
            int lo = Character.digit(s.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }

    /** Rethrows a JDK crypto failure that cannot happen with keys that parsed. */
    public static IllegalStateException unexpected(GeneralSecurityException e) {
        return new IllegalStateException("signature primitive failed: " + e.getClass().getSimpleName(), e);
    }
}
