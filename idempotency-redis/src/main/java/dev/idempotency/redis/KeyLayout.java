package dev.idempotency.redis;

import dev.idempotency.spi.Sha256;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a record lives: {@code <prefix><namespace>:{<hash>}}, e.g.
 * {@code idem:com.acme.TransferService.transfer:{3q2-7wAAx0...}}.
 *
 * <ul>
 *   <li>{@code <hash>} is the SHA-256 of the namespace and the key (base64url, 43 characters). It is the key's only
 *       hash tag, so a record sits on one Cluster slot, and no key, however long or odd, reaches Redis's key
 *       syntax or chooses a slot by its text.</li>
 *   <li>The namespace stays readable for operators, with {@code %}, <code>{</code>, <code>}</code>, spaces and
 *       control characters percent-encoded, so it can never open a hash tag of its own and two namespaces never
 *       share a key.</li>
 *   <li>The prefix (default {@code idem:}) separates applications sharing a server; it may not hold braces.</li>
 *   <li>Namespaces and keys are encoded strictly: one that is not well-formed UTF-16 (a lone surrogate) is refused,
 *       never turned into {@code ?} as {@code String.getBytes} would, which would give "order-" + U+D800 the
 *       record of {@code order-?}.</li>
 * </ul>
 */
final class KeyLayout {

    private static final int MAX_CACHED_NAMESPACES = 10_000;
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final String prefix;
    private final ConcurrentHashMap<String, Namespace> namespaces = new ConcurrentHashMap<>();

    /** What is worked out once per namespace: the key's text up to the hash tag, and the hash's input prefix. */
    private record Namespace(byte[] head, byte[] hashInput) {
    }

    KeyLayout(String prefix) {
        this.prefix = checkPrefix(prefix);
    }

    /** The prefix, or an explanation of why it cannot be one. */
    static String checkPrefix(String prefix) {
        if (prefix == null) {
            throw new IllegalArgumentException("keyPrefix must not be null");
        }
        if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
            throw new IllegalArgumentException("keyPrefix must not contain '{' or '}' (they would make a Redis Cluster"
                    + " hash tag), but was '" + prefix + "'");
        }
        if (prefix.length() > 128) {
            throw new IllegalArgumentException("keyPrefix must be at most 128 characters, but was " + prefix.length());
        }
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                throw new IllegalArgumentException("keyPrefix must not contain spaces or control characters, but was '"
                        + prefix + "'");
            }
        }
        return prefix;
    }

    String prefix() {
        return prefix;
    }

    byte[] key(String namespace, String key) {
        Namespace ns = namespace(namespace);
        MessageDigest sha = Sha256.digest();
        sha.update(ns.hashInput);
        byte[] hash = sha.digest(utf8(key, "key"));
        byte[] tag = BASE64URL.encode(hash);
        byte[] out = new byte[ns.head.length + tag.length + 1];
        System.arraycopy(ns.head, 0, out, 0, ns.head.length);
        System.arraycopy(tag, 0, out, ns.head.length, tag.length);
        out[out.length - 1] = '}';
        return out;
    }

    private Namespace namespace(String namespace) {
        Namespace ns = namespaces.get(namespace);
        if (ns == null) {
            ns = compile(namespace);
            if (namespaces.size() < MAX_CACHED_NAMESPACES) {
                namespaces.putIfAbsent(namespace, ns);
            }
        }
        return ns;
    }

    private Namespace compile(String namespace) {
        byte[] name = utf8(namespace, "namespace");
        byte[] head = (prefix + escape(namespace) + ":{").getBytes(StandardCharsets.UTF_8);
        // the namespace's length first, so that (namespace, key) pairs map to distinct hash inputs
        byte[] hashInput = ByteBuffer.allocate(4 + name.length).putInt(name.length).put(name).array();
        return new Namespace(head, hashInput);
    }

    /** UTF-8 that refuses what it cannot encode faithfully; the common case (no surrogate at all) is one scan. */
    static byte[] utf8(String text, String what) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isSurrogate(text.charAt(i))) {
                return strictUtf8(text, what);
            }
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] strictUtf8(String text, String what) {
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(text));
            byte[] out = new byte[encoded.remaining()];
            encoded.get(out);
            return out;
        } catch (CharacterCodingException e) {
            int at = 0;
            while (at < text.length()) {
                char c = text.charAt(at);
                if (Character.isHighSurrogate(c) && at + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(at + 1))) {
                    at += 2;
                } else if (Character.isSurrogate(c)) {
                    break;
                } else {
                    at++;
                }
            }
            char bad = at < text.length() ? text.charAt(at) : '?';
            throw new IllegalArgumentException("the " + what + " is not well-formed UTF-16: a lone surrogate "
                    + String.format("\\u%04X", (int) bad) + " at position " + at + "; it cannot be stored without"
                    + " being confused with another " + what, e);
        }
    }

    /** Percent-encodes what could open a hash tag, hide in a listing, or collide with an escape. */
    static String escape(String namespace) {
        StringBuilder sb = null;
        for (int i = 0; i < namespace.length(); i++) {
            char c = namespace.charAt(i);
            boolean special = c == '%' || c == '{' || c == '}' || c <= ' ' || c == 0x7f;
            if (special && sb == null) {
                sb = new StringBuilder(namespace.length() + 8).append(namespace, 0, i);
            }
            if (special) {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? namespace : sb.toString();
    }
}
