package dev.idempotency.spi;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256, with one digest per thread: what the library hashes keys and payloads with, and what a store should hash
 * user-controlled key parts with before they reach its own key syntax.
 *
 * <pre>{@code
 * MessageDigest digest = Sha256.digest();
 * digest.update(namespace.getBytes(StandardCharsets.UTF_8));
 * digest.update((byte) 0);                                    // keeps ("ab", "c") apart from ("a", "bc")
 * digest.update(key.getBytes(StandardCharsets.UTF_8));
 * String recordId = HexFormat.of().formatHex(digest.digest());
 * }</pre>
 */
public final class Sha256 {

    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    });

    private Sha256() {
    }

    /**
     * This thread's digest, reset. Feed it and call {@code digest()} before asking for it again on this thread; it
     * must not be handed to another thread.
     *
     * @return this thread's SHA-256 digest, reset
     */
    public static MessageDigest digest() {
        MessageDigest digest = DIGEST.get();
        digest.reset();
        return digest;
    }

    /**
     * The 32-byte hash of the bytes, made with this thread's digest.
     *
     * @param bytes the bytes to hash; not {@code null}
     * @return a new array of 32 bytes
     */
    public static byte[] of(byte[] bytes) {
        return digest().digest(bytes);
    }
}
