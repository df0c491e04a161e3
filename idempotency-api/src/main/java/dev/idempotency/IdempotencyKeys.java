package dev.idempotency;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ways to make an idempotency key, on the client that sends it or on the server that derives it. Every one returns
 * printable ASCII without spaces, ready for an {@code Idempotency-Key} header, at most 255 characters.
 *
 * <table>
 *   <caption>Which to choose</caption>
 *   <tr><th>strategy</th><th>when</th></tr>
 *   <tr><td>{@link #uuidV7()}</td><td>the default for a client: unique, and sorted by creation time (an index on it
 *       stays compact)</td></tr>
 *   <tr><td>{@link #uuid()}</td><td>a client that must not reveal when the key was made</td></tr>
 *   <tr><td>{@link #timestampRandom()}</td><td>a readable, sortable key: time in milliseconds and 80 random
 *       bits</td></tr>
 *   <tr><td>{@link #business(String...)}</td><td>the operation has a natural identity (an order number, a user and a
 *       day): retries and duplicates made anywhere share the key</td></tr>
 *   <tr><td>{@link #contentHash(Object...)}</td><td>the caller sends no key: equal content is the same request. Two
 *       deliberate, identical requests then collapse into one; use it only where that is right</td></tr>
 * </table>
 *
 * <p>A key made once must be kept for every retry of the same request: a new key per attempt defeats the purpose.
 *
 * <pre>{@code
 * // a client: one key per logical request, sent again with every retry
 * String key = IdempotencyKeys.uuidV7();
 * for (int attempt = 1; ; attempt++) {
 *     try {
 *         return http.send(request.header("Idempotency-Key", key));
 *     } catch (IOException e) {
 *         if (attempt == 3) throw e;
 *     }
 * }
 *
 * // a server or a job: the key from the operation's identity
 * String refundKey = IdempotencyKeys.business("refund", order.number(), String.valueOf(line));
 * }</pre>
 *
 * <p>All methods are static and thread-safe. Their random bits come from a {@link SecureRandom}.
 */
public final class IdempotencyKeys {

    private static final int MAX_LENGTH = 255;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    /** The last UUIDv7's milliseconds (high 52 bits) and 12-bit sequence (low 12 bits). */
    private static final AtomicLong LAST_V7 = new AtomicLong();

    private IdempotencyKeys() {
    }

    /**
     * A random (version 4) UUID, e.g. {@code 8e03978e-40d5-43e8-bc93-6894a57f9324}: 122 random bits, nothing about
     * when or where it was made.
     *
     * @return 36 characters: lower-case hex digits and dashes
     */
    public static String uuid() {
        return UUID.randomUUID().toString();
    }

    /**
     * A time-ordered (version 7, RFC 9562) UUID: 48 bits of Unix milliseconds, then a 12-bit sequence that keeps the
     * keys one JVM makes strictly increasing (also within one millisecond, and when the clock steps back), then 62
     * random bits.
     *
     * @return 36 characters: lower-case hex digits and dashes, e.g. {@code 0193a4f2-c1e8-7a3b-9c2d-4e5b6a7c8d9e}
     */
    public static String uuidV7() {
        long now = System.currentTimeMillis();
        long next;
        long last;
        do {
            last = LAST_V7.get();
            long lastMillis = last >>> 12;
            if (now > lastMillis) {
                next = (now << 12) | (RANDOM.nextInt(1 << 11)); // start low in the range, leaving room to count
            } else {
                next = last + 1; // same millisecond or the clock went back: count on, carrying into the time
            }
        } while (!LAST_V7.compareAndSet(last, next));
        long millis = next >>> 12;
        long sequence = next & 0xFFF;
        long most = (millis << 16) | 0x7000L | sequence;
        long least = (RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(most, least).toString();
    }

    /**
     * Milliseconds since the epoch as 12 hex digits, a dash and 80 random bits as 20 hex digits, e.g.
     * {@code 0193a4f2c1e8-7f3a09c2d4e5b6a7c8d9}: sorted by time as text, unique without coordination.
     *
     * @return 33 characters: lower-case hex digits and one dash
     */
    public static String timestampRandom() {
        StringBuilder sb = new StringBuilder(33);
        appendHex(sb, System.currentTimeMillis(), 12);
        sb.append('-');
        appendHex(sb, RANDOM.nextLong(), 16);
        appendHex(sb, RANDOM.nextInt(1 << 16), 4);
        return sb.toString();
    }

    /**
     * A key from the operation's own identity, e.g. {@code business("refund", orderNo, lineNo)}: the parts joined by
     * {@code :}, each percent-encoded (UTF-8) except for letters, digits and {@code -._~}, so that no two different
     * lists of parts give the same key: {@code ("a:b", "c")} is {@code a%3Ab:c}, {@code ("a", "b:c")} is
     * {@code a:b%3Ac}. The same parts always give the same key.
     *
     * @param parts the parts of the identity, in a fixed order; not {@code null}, none of them {@code null}
     * @return the parts, encoded and joined, at most 255 characters
     * @throws IllegalArgumentException for no parts, a null part, a part with a lone surrogate (not text), or a key
     *                                  longer than 255 characters
     */
    public static String business(String... parts) {
        if (parts == null || parts.length == 0) {
            throw new IllegalArgumentException("a business key needs at least one part");
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part == null) {
                throw new IllegalArgumentException("part " + i + " of the business key is null");
            }
            if (i > 0) {
                sb.append(':');
            }
            for (int j = 0; j < part.length(); j++) {
                char c = part.charAt(j);
                if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && j + 1 < part.length()
                        && Character.isLowSurrogate(part.charAt(j + 1)))) {
                    throw new IllegalArgumentException("part " + i + " of the business key has a lone surrogate at "
                            + j + ", so it is not text");
                }
                if (Character.isHighSurrogate(c)) {
                    j++;
                }
            }
            for (byte b : part.getBytes(StandardCharsets.UTF_8)) {
                int u = b & 0xFF;
                if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '-' || u == '.'
                        || u == '_' || u == '~') {
                    sb.append((char) u);
                } else {
                    sb.append('%').append(Character.toUpperCase(HEX[u >>> 4])).append(Character.toUpperCase(HEX[u & 0xF]));
                }
            }
        }
        if (sb.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("the business key is " + sb.length() + " characters long, over the "
                    + MAX_LENGTH + " a key may have; use fewer or shorter parts, or contentHash(...)");
        }
        return sb.toString();
    }

    /**
     * A key from the content itself: SHA-256 over the canonical form the runtime fingerprints payloads with (typed,
     * with map entries and set elements sorted, numbers compared by value), as 43 characters of base64url. Equal
     * values give equal keys in any JVM running the same version of the canonical form; values of different types
     * with equal fields differ. Needs {@code idempotency-core} on the class path (or the agent). The key expression
     * {@code #contentHash(...)} computes the same hash, so a server can derive the key a client would send.
     *
     * @param values the content to hash; one value is hashed as itself, several as an ordered list; a {@code null}
     *               array is hashed as one {@code null} value
     * @return 43 characters of unpadded base64url
     * @throws IllegalArgumentException when a value has no readable state (it would agree with every other one)
     * @throws IllegalStateException    when {@code idempotency-core} is absent
     */
    public static String contentHash(Object... values) {
        try {
            return (String) ContentHash.OF.invokeExact((Object[]) (values == null ? new Object[] {null} : values));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static void appendHex(StringBuilder sb, long value, int digits) {
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            sb.append(HEX[(int) (value >>> shift) & 0xF]);
        }
    }

    /** The runtime's canonical hash, found once, when first needed. */
    private static final class ContentHash {
        static final MethodHandle OF = find();

        private static MethodHandle find() {
            ClassLoader[] loaders = {IdempotencyKeys.class.getClassLoader(), Thread.currentThread().getContextClassLoader()};
            for (ClassLoader loader : loaders) {
                try {
                    Class<?> type = Class.forName("dev.idempotency.bridge.ContentHashes", true, loader);
                    // on the module path the core exports this package to this module only; read it to call it
                    IdempotencyKeys.class.getModule().addReads(type.getModule());
                    return MethodHandles.lookup().findStatic(type, "of",
                            MethodType.methodType(String.class, Object[].class));
                } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException e) {
                    // try the next loader
                }
            }
            try {
                return MethodHandles.lookup().findStatic(ContentHash.class, "missingCore",
                        MethodType.methodType(String.class, Object[].class));
            } catch (NoSuchMethodException | IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }

        @SuppressWarnings("unused") // through OF
        private static String missingCore(Object[] values) {
            throw new IllegalStateException("IdempotencyKeys.contentHash needs idempotency-core on the class path"
                    + " (the canonical form lives there)");
        }
    }
}
