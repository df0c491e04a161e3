package dev.idempotency.internal;

import dev.idempotency.spi.Sha256;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalAmount;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The canonical byte form of a payload, for fingerprints only (it is hashed, never read back). Everything is tagged
 * and length-prefixed; set elements and map entries are written in sorted order, so equal payloads give equal bytes
 * however they were built, and different payloads give different bytes:
 *
 * <ul>
 *   <li>records, JavaBeans, enums and other value classes carry their runtime class name, so two records of one
 *       interface with equal components, or two enums' constants of the same name, never agree;</li>
 *   <li>records are written by their components, JavaBeans by the properties Jackson's bean introspection finds
 *       going out or coming in ({@link PayloadLayouts}), each value through this same writer, so a set inside a bean
 *       is sorted like a set anywhere else;</li>
 *   <li>lists, deques and first-in-first-out queues are written in order, sets sorted, any other collection (a
 *       priority queue, a map's values) sorted as a multiset;</li>
 *   <li>{@code BigDecimal}s are written without trailing zeros: {@code 1.0} and {@code 1.00} are one amount;</li>
 *   <li>an object with no readable state is refused ({@link UnreadablePayloadException}), never written as empty.</li>
 * </ul>
 *
 * <p>The first byte of a fingerprint's input is {@link #VERSION}: a change to this form changes every fingerprint, and
 * the version makes that explicit.
 *
 * <p>A fingerprint's bytes ({@link #reset}) are only hashed, so a large byte array or string goes straight into the
 * digest instead of being copied into the buffer first: hashing a 1 MiB payload then costs about what hashing 1 MiB
 * costs. The bytes hashed are the same either way. Version 1 (no type names, decimals by scale, beans as Jackson's JSON) was unnamed;
 * version 2 wrote beans by what Jackson writes out only, applications' {@code Number}s and {@code CharSequence}s by
 * their text, a {@code Timestamp} without its nanoseconds and every non-set collection in iteration order.
 */
final class CanonicalBytes {

    /** The form written here; bump it with every change that changes any payload's bytes. */
    static final int VERSION = 3;

    private static final int MAX_DEPTH = 64;

    /** Byte arrays and strings at least this long go straight into the digest when the bytes are a fingerprint's. */
    static final int STREAM_AT = 8 * 1024;

    private byte[] bytes = new byte[256];
    private int size;
    /** Where {@link #sameAs} copies a string's bytes to compare them with these. */
    private byte[] scratch;
    /** Whether these bytes are a fingerprint's (after {@link #reset}), which are hashed, never read back. */
    private boolean hashed;
    /** Whether some of them went into {@link #digest} already; the buffer then holds the rest, after the prefix. */
    private boolean streamed;
    private MessageDigest digest;
    /** A long string's characters and their UTF-8, a chunk at a time ({@link #longString}); made when first needed. */
    private CharsetEncoder utf8;
    private char[] chunkChars;
    private byte[] chunkBytes;

    byte[] buffer() {
        return bytes;
    }

    int size() {
        return size;
    }

    /**
     * Whether these bytes are the low bytes of the chars of {@code latin1}, a string of exactly {@link #size} chars
     * each below 256: a vectorised copy and compare, no allocation once the scratch buffer is grown.
     */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int) keeps the low byte of each char: exact here
    boolean sameAs(String latin1) {
        if (scratch == null || scratch.length < size) {
            scratch = new byte[Math.max(size, 256)];
        }
        latin1.getBytes(0, size, scratch, 0);
        return Arrays.equals(bytes, 0, size, scratch, 0, size);
    }

    /** Empties the buffer and starts a fingerprint: {@code prefix} (see {@link Fingerprints}), then the version. */
    CanonicalBytes reset(byte prefix) {
        bytes[0] = prefix;
        bytes[1] = (byte) VERSION;
        size = 2;
        hashed = true;
        streamed = false;
        return this;
    }

    /** Whether part of the bytes went straight into the digest, so that only {@link #sha256()} can tell them. */
    boolean streamed() {
        return streamed;
    }

    /** SHA-256 of the bytes after the prefix: those that went straight into the digest, then the buffer's. */
    byte[] sha256() {
        MessageDigest sha = streamed ? digest : Sha256.digest();
        sha.update(bytes, 1, size - 1);
        streamed = false;
        return sha.digest();
    }

    void write(Object value) {
        write(value, 0);
    }

    /** The terms of a fingerprint expression, as one tagged list (never their texts joined). */
    void writeTerms(Object[] terms) {
        tag('X');
        int32(terms.length);
        for (Object term : terms) {
            write(term, 1);
        }
    }

    private void write(Object value, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("the payload nests deeper than " + MAX_DEPTH + " levels (a cycle?)");
        }
        if (value == null) {
            tag('0');
        } else if (value instanceof String s) {
            tag('S');
            string(s);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short
                || value instanceof Byte) {
            tag('I');
            int64(((Number) value).longValue());
        } else if (value instanceof Boolean b) {
            tag(b ? 'T' : 'F');
        } else if (value instanceof Record) {
            properties(value, depth);
        } else if (value.getClass() == BigDecimal.class) { // an application's subclass may hold more: a bean
            BigDecimal d = (BigDecimal) value;
            tag('B');
            // numerically equal amounts agree: 1.0 = 1.00 = 1; every zero (0.00, 0E+3) is written as 0
            string((d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros()).toString());
        } else if (value instanceof Enum<?> e) {
            raw(PayloadLayouts.constant(e));
        } else if (value instanceof Double || value instanceof Float) {
            tag(value instanceof Double ? 'D' : 'f');
            int64(Double.doubleToLongBits(((Number) value).doubleValue()));
        } else if (value.getClass() == BigInteger.class) {
            tag('G');
            string(value.toString());
        } else if (value instanceof Character c) {
            tag('C');
            int64(c);
        } else if (value instanceof UUID u) {
            tag('U');
            int64(u.getMostSignificantBits());
            int64(u.getLeastSignificantBits());
        } else if (value instanceof TemporalAccessor || value instanceof TemporalAmount
                || value instanceof java.time.ZoneId) {
            tag('t');
            string(value.getClass().getName());
            string(value.toString());
        } else if (value instanceof Optional<?> o) {
            tag('O');
            write(o.orElse(null), depth + 1);
        } else if (value instanceof Collection<?> collection) {
            collection(collection, depth);
        } else if (value instanceof Map<?, ?> map) {
            map(map, depth);
        } else if (value instanceof byte[] raw) {
            tag('b');
            int32(raw.length);
            bulk(raw);
        } else if (value.getClass().isArray()) {
            tag('A');
            int length = Array.getLength(value);
            int32(length);
            for (int i = 0; i < length; i++) {
                write(Array.get(value, i), depth + 1);
            }
        } else {
            properties(value, depth);
        }
    }

    /** A record, a bean or a value class, by the layout worked out once for its class. */
    private void properties(Object value, int depth) {
        PayloadLayouts.Layout layout = PayloadLayouts.of(value.getClass());
        if (layout.text != null) {
            raw(layout.header);
            string(layout.text.apply(value));
            return;
        }
        MethodHandle[] readers = layout.readers;
        if (readers == null) {
            throw new UnreadablePayloadException(value.getClass(), layout.problem);
        }
        raw(layout.header);
        byte[][] names = layout.names;
        for (int i = 0; i < readers.length; i++) {
            raw(names[i]);
            Object property;
            try {
                property = (Object) readers[i].invokeExact(value);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException("reading " + layout.property(i) + " of " + value.getClass().getName(),
                        t);
            }
            write(property, depth + 1);
        }
    }

    /**
     * A list, deque or first-in-first-out queue in its order; a set sorted; any other collection (a priority queue,
     * whose iteration order is its heap's, a map's {@code values()}, an unmodifiable or synchronized view, which
     * cannot tell what it wraps) sorted as a multiset, so that how it was filled does not matter.
     */
    private void collection(Collection<?> collection, int depth) {
        if (collection instanceof List || collection instanceof java.util.Deque
                || collection instanceof java.util.Queue && !(collection instanceof java.util.PriorityQueue
                        || collection instanceof java.util.concurrent.PriorityBlockingQueue
                        || collection instanceof java.util.concurrent.DelayQueue)) {
            tag('L');
            int32(collection.size());
            for (Object element : collection) {
                write(element, depth + 1);
            }
        } else if (collection instanceof Set) {
            tag('s');
            sorted(collection, depth);
        } else {
            tag('m');
            sorted(collection, depth);
        }
    }

    /** Elements in the order of their own canonical bytes, so that iteration order does not matter. */
    private void sorted(Collection<?> elements, int depth) {
        List<byte[]> encoded = new ArrayList<>(elements.size());
        for (Object element : elements) {
            encoded.add(encode(element, depth + 1));
        }
        encoded.sort(Arrays::compare);
        int32(encoded.size());
        for (byte[] e : encoded) {
            lengthAndBytes(e);
        }
    }

    /**
     * Entries in the order of their keys' canonical bytes, then their values' (two keys can be equal in canonical form
     * without being equal objects, e.g. {@code 1.0} and {@code 1.00}).
     */
    private void map(Map<?, ?> map, int depth) {
        tag('M');
        List<byte[][]> entries = new ArrayList<>(map.size());
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            entries.add(new byte[][] {encode(entry.getKey(), depth + 1), encode(entry.getValue(), depth + 1)});
        }
        entries.sort((a, b) -> {
            int byKey = Arrays.compare(a[0], b[0]);
            return byKey != 0 ? byKey : Arrays.compare(a[1], b[1]);
        });
        int32(entries.size());
        for (byte[][] entry : entries) {
            lengthAndBytes(entry[0]);
            lengthAndBytes(entry[1]);
        }
    }

    private static byte[] encode(Object value, int depth) {
        CanonicalBytes nested = new CanonicalBytes();
        nested.write(value, depth);
        return Arrays.copyOf(nested.bytes, nested.size);
    }

    private void lengthAndBytes(byte[] data) {
        int32(data.length);
        raw(data);
    }

    /** Bytes of a payload's own: copied into the buffer, or, when large and only to be hashed, into the digest. */
    private void bulk(byte[] data) {
        if (!hashed || data.length < STREAM_AT) {
            raw(data);
            return;
        }
        stream().update(data);
    }

    /** Hands the buffer's bytes to the digest, which the bytes that follow then go into directly, or after them. */
    private MessageDigest stream() {
        if (!streamed) {
            if (digest == null) {
                digest = newSha256();
            }
            digest.reset();
            streamed = true;
        }
        digest.update(bytes, 1, size - 1); // the prefix (bytes[0]) is not hashed, and stays
        size = 1;
        return digest;
    }

    /**
     * A digest of this buffer's own, not {@code Sha256}'s per thread: writing a payload runs its getters, which may
     * hash something themselves.
     */
    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /** Bytes that are already canonical (a pre-encoded header or name). */
    private void raw(byte[] data) {
        ensure(data.length);
        System.arraycopy(data, 0, bytes, size, data.length);
        size += data.length;
    }

    private void tag(char tag) {
        ensure(1);
        bytes[size++] = (byte) tag;
    }

    /** Length, then UTF-8: ASCII written in place, anything else through {@link #encodeString}. */
    private void string(String s) {
        int length = s.length();
        if (hashed && length >= STREAM_AT) {
            longString(s);
            return;
        }
        int mark = size;
        int32(length);
        ensure(length);
        byte[] out = bytes;
        int at = size;
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                size = mark;
                raw(encodeString(s));
                return;
            }
            out[at + i] = (byte) c;
        }
        size = at + length;
    }

    /**
     * A long string of a fingerprint, in the same bytes as {@link #encodeString}, without a copy of the whole: the
     * JDK's UTF-8 encoder (vectorised for ASCII, where the character-by-character loop of {@link #string} is not) runs
     * over it twice, a chunk at a time, first for the length that comes before the bytes and to find a lone
     * surrogate (which it reports, where {@code getBytes} would write {@code ?}), then into the digest.
     */
    private void longString(String s) {
        long length = utf8(s, null);
        if (length < 0 || length > Integer.MAX_VALUE) {
            bulk(encodeString(s)); // a lone surrogate: the UTF-16 form
            return;
        }
        int32((int) length);
        utf8(s, stream());
    }

    /** The UTF-8 of {@code s} into {@code digest} (or nowhere), a chunk at a time: its length, or -1 if malformed. */
    private long utf8(String s, MessageDigest digest) {
        if (utf8 == null) {
            utf8 = StandardCharsets.UTF_8.newEncoder(); // reports malformed input
            chunkChars = new char[STREAM_AT];
            chunkBytes = new byte[3 * STREAM_AT]; // room for any chunk: at most 3 bytes a char
        }
        CharsetEncoder encoder = utf8.reset();
        CharBuffer in = CharBuffer.wrap(chunkChars);
        ByteBuffer out = ByteBuffer.wrap(chunkBytes);
        in.limit(0);
        long total = 0;
        int length = s.length();
        int next = 0;
        while (true) {
            in.compact(); // keeps a high surrogate whose low half is in the next chunk
            int n = Math.min(in.remaining(), length - next);
            s.getChars(next, next + n, chunkChars, in.position());
            next += n;
            in.position(in.position() + n).flip();
            out.clear();
            CoderResult result = encoder.encode(in, out, next == length);
            if (result.isError()) {
                return -1;
            }
            if (next == length && !in.hasRemaining()) {
                encoder.flush(out);
            }
            total += out.position();
            if (digest != null) {
                digest.update(chunkBytes, 0, out.position());
            }
            if (next == length && !in.hasRemaining()) {
                return total;
            }
        }
    }

    /**
     * A string as it is written here: its UTF-8 byte length and bytes; a string with a lone surrogate (which UTF-8
     * would turn into {@code ?}, the same as a real {@code ?}) as minus one minus its length, then its UTF-16 units.
     */
    static byte[] encodeString(String s) {
        if (!Utf16.isWellFormed(s)) {
            byte[] out = new byte[4 + 2 * s.length()];
            putInt(out, 0, -1 - s.length());
            for (int i = 0; i < s.length(); i++) {
                out[4 + 2 * i] = (byte) (s.charAt(i) >>> 8);
                out[5 + 2 * i] = (byte) s.charAt(i);
            }
            return out;
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[4 + utf8.length];
        putInt(out, 0, utf8.length);
        System.arraycopy(utf8, 0, out, 4, utf8.length);
        return out;
    }

    static void putInt(byte[] out, int at, int v) {
        out[at] = (byte) (v >>> 24);
        out[at + 1] = (byte) (v >>> 16);
        out[at + 2] = (byte) (v >>> 8);
        out[at + 3] = (byte) v;
    }

    private void int32(int v) {
        ensure(4);
        putInt(bytes, size, v);
        size += 4;
    }

    private void int64(long v) {
        int32((int) (v >>> 32));
        int32((int) v);
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
