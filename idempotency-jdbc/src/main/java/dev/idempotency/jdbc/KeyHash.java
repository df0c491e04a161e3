package dev.idempotency.jdbc;

import dev.idempotency.IdempotencyStoreException;
import dev.idempotency.spi.Sha256;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The record's primary key: a SHA-256 of namespace and key, over their exact UTF-8. */
final class KeyHash {

    /** Strict UTF-8: a string with a lone surrogate is refused, never hashed as if it were another string. */
    private static final ThreadLocal<CharsetEncoder> UTF8 = ThreadLocal.withInitial(() -> StandardCharsets.UTF_8
            .newEncoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));

    private KeyHash() {
    }

    /**
     * SHA-256 of the namespace's length, the namespace and the key: one value per pair, 32 bytes whatever their size.
     * Both are encoded as strict UTF-8: a string that is not well-formed Unicode (a lone surrogate) is refused, since
     * a lenient encoder would hash it like another string, with '?' in its place.
     *
     * @throws IdempotencyStoreException (not unreachable) for a namespace or key that is not well-formed Unicode
     */
    static byte[] of(String namespace, String key) {
        // both encoded before the digest is taken: a refusal leaves this thread's digest clean
        ByteBuffer ns = utf8("namespace", namespace, namespace, key);
        ByteBuffer k = utf8("key", key, namespace, key);
        MessageDigest digest = Sha256.digest();
        digest.update((namespace.length() + ":").getBytes(StandardCharsets.US_ASCII));
        digest.update(ns);
        digest.update((byte) ':');
        digest.update(k);
        return digest.digest();
    }

    private static ByteBuffer utf8(String what, String value, String namespace, String key) {
        try {
            return UTF8.get().reset().encode(CharBuffer.wrap(value));
        } catch (CharacterCodingException e) {
            throw new IdempotencyStoreException("the " + what + " " + escaped(value) + " is not well-formed Unicode"
                    + " (a lone surrogate): the JDBC store keeps only strings it can encode as UTF-8 exactly; namespace "
                    + escaped(namespace) + ", key " + escaped(key), namespace, key, e, false);
        }
    }

    /** The string, quoted, with every character outside printable ASCII escaped as backslash, u and four hex digits. */
    private static String escaped(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 2).append('\'');
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch >= 0x20 && ch < 0x7f) {
                sb.append(ch);
            } else {
                sb.append(String.format("\\u%04X", (int) ch));
            }
        }
        return sb.append('\'').toString();
    }
}
