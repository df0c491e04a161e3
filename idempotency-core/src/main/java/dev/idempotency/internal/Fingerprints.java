package dev.idempotency.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Payload fingerprints: SHA-256 over the canonical bytes of a value ({@link CanonicalBytes}: versioned, type-tagged,
 * sorted where order means nothing), so equal payloads agree across calls, processes and restarts (of one version
 * of the canonical form).
 */
public final class Fingerprints {

    /** The fingerprint of a method whose payload check is switched off. */
    static final String NONE = "-";

    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

    private Fingerprints() {
    }

    private static final ThreadLocal<CanonicalBytes> BUFFERS = ThreadLocal.withInitial(CanonicalBytes::new);
    private static final int KEEP_BUFFER_BYTES = 64 * 1024;

    /** Payloads up to this many canonical bytes are kept as they are by in-process stores. */
    static final int RAW_LIMIT = 256;

    /**
     * {@code IdempotencyKeys.contentHash}: one value's fingerprint as a store outside the process sees it, or a tagged
     * list of several.
     *
     * @throws IllegalArgumentException when a value has no readable state
     */
    public static String contentHash(Object[] values) {
        try {
            return hash(values);
        } catch (UnreadablePayloadException e) {
            throw new IllegalArgumentException("cannot hash the content: " + e.getMessage()
                    + ", so it would agree with every other such value", e);
        }
    }

    /**
     * The content hash of {@code IdempotencyKeys.contentHash} and of {@code #contentHash(…)} in a key expression, so
     * that a client and a server that hash the same values agree.
     *
     * @throws UnreadablePayloadException if a value has no readable state
     */
    static String hash(Object[] values) {
        return values.length == 1 ? of(values[0], false) : ofTerms(values, false);
    }

    /** 43 characters of unpadded base64url. */
    static String of(Object value) {
        return of(value, false);
    }

    /**
     * @param inProcess whether the fingerprint stays in this JVM: then a small payload's canonical bytes serve as they
     *                  are ({@code ~} and the bytes as Latin-1; {@code ~} is not a base64url character), which is as
     *                  exact as a hash and saves computing one. Anything that leaves the JVM is always hashed.
     * @throws UnreadablePayloadException if the payload holds an object with no readable state
     */
    static String of(Object value, boolean inProcess) {
        return finish(canonical(value), inProcess);
    }

    /** The fingerprint of a multi-term expression's values: a tagged list of each term's canonical form. */
    static String ofTerms(Object[] terms, boolean inProcess) {
        return finish(canonicalTerms(terms), inProcess);
    }

    /** The thread's buffer, holding the canonical form of {@code value} (or part of it, the rest in its digest). */
    private static CanonicalBytes canonical(Object value) {
        CanonicalBytes canonical = BUFFERS.get().reset((byte) '~');
        canonical.write(value);
        return canonical;
    }

    private static CanonicalBytes canonicalTerms(Object[] terms) {
        CanonicalBytes canonical = BUFFERS.get().reset((byte) '~');
        canonical.writeTerms(terms);
        return canonical;
    }

    /**
     * Whether {@code stored} is the fingerprint {@link #of(Object, boolean) of(value, true)} gives, compared without
     * building that string when the payload is small (an in-process replay then allocates nothing for its check).
     */
    static boolean matches(Object value, String stored) {
        return matches(canonical(value), stored);
    }

    /** {@link #matches(Object, String)} for a multi-term expression's values. */
    static boolean matchesTerms(Object[] terms, String stored) {
        return matches(canonicalTerms(terms), stored);
    }

    private static boolean matches(CanonicalBytes canonical, String stored) {
        int size = canonical.size();
        if (canonical.streamed() || size > RAW_LIMIT + 1) {
            return finish(canonical, true).equals(stored);
        }
        // A raw fingerprint is the bytes as Latin-1, one char per byte: equal strings have equal low bytes, and a
        // stored raw fingerprint has no other (it was made from bytes; a hashed one is base64, and shorter).
        return stored.length() == size && stored.charAt(0) == '~' && canonical.sameAs(stored);
    }

    private static String finish(CanonicalBytes canonical, boolean inProcess) {
        if (inProcess && !canonical.streamed() && canonical.size() <= RAW_LIMIT + 1) {
            return new String(canonical.buffer(), 0, canonical.size(), StandardCharsets.ISO_8859_1);
        }
        byte[] hash = canonical.sha256();
        if (canonical.buffer().length > KEEP_BUFFER_BYTES) {
            BUFFERS.remove(); // a huge payload once should not pin its buffer to the thread
        }
        return BASE64.encodeToString(hash);
    }
}
