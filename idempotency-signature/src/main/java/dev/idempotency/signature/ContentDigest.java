package dev.idempotency.signature;

import dev.idempotency.signature.internal.Crypto;
import dev.idempotency.signature.internal.StructuredFields;
import java.util.Map;

/**
 * RFC 9530 {@code Content-Digest}: a digest of the body, so that a signature covering this one field covers the body
 * without hashing it into the signature base. Generates {@code sha-256}; verifies {@code sha-256} and
 * {@code sha-512}, ignores algorithms it does not know, and refuses a field that offers only those or the insecure
 * {@code md5}/{@code sha} (RFC 9530 section 5 deprecates them).
 */
public final class ContentDigest {

    /** The outcome of checking a field against a body. */
    public enum Check {
        /** Every supported digest in the field matches the body. */
        MATCH,
        /** A supported digest does not match: the body is not the one that was digested. */
        MISMATCH,
        /** The field is not a dictionary of byte sequences, or offers no algorithm this class supports. */
        UNUSABLE
    }

    /** {@code sha-256=:} + 44 base64 characters + {@code :}. */
    private static final int SHA256_FORM_LENGTH = 9 + 44 + 1;

    private ContentDigest() {
    }

    /**
     * The field value for this body, e.g. {@code sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:}.
     *
     * @param body the body bytes; empty for no body
     * @return the {@code Content-Digest} field value with one {@code sha-256} member
     */
    public static String sha256(byte[] body) {
        return "sha-256=:" + java.util.Base64.getEncoder().encodeToString(Crypto.sha256(body)) + ":";
    }

    /**
     * Checks a {@code Content-Digest} field value against the body; digests are compared in constant time.
     *
     * @param fieldValue the field's value, all its lines joined with {@code ", "}; not null
     * @param body the body bytes as received
     * @return {@link Check#MATCH} if every supported digest matches, {@link Check#MISMATCH} if one does not, and
     *         {@link Check#UNUSABLE} if the value cannot be parsed or offers no supported algorithm
     */
    public static Check check(String fieldValue, byte[] body) {
        // the common case, exactly what this class generates: one sha-256 member, no parser needed
        if (fieldValue.length() == SHA256_FORM_LENGTH && fieldValue.startsWith("sha-256=:")
                && fieldValue.charAt(SHA256_FORM_LENGTH - 1) == ':') {
            byte[] expected;
            try {
                expected = java.util.Base64.getDecoder().decode(fieldValue.substring(9, SHA256_FORM_LENGTH - 1));
            } catch (IllegalArgumentException e) {
                return Check.UNUSABLE;
            }
            return Crypto.equal(Crypto.sha256(body), expected) ? Check.MATCH : Check.MISMATCH;
        }
        Map<String, Object> dict;
        try {
            dict = StructuredFields.parseDictionary(fieldValue);
        } catch (IllegalArgumentException e) {
            return Check.UNUSABLE;
        }
        boolean checked = false;
        for (Map.Entry<String, Object> e : dict.entrySet()) {
            byte[] expected;
            if (e.getKey().equals("sha-256")) {
                expected = Crypto.sha256(body);
            } else if (e.getKey().equals("sha-512")) {
                expected = Crypto.sha512(body);
            } else {
                continue;
            }
            if (!(e.getValue() instanceof StructuredFields.Item item
                    && item.value() instanceof StructuredFields.Bytes bytes)) {
                return Check.UNUSABLE;
            }
            if (!Crypto.equal(expected, bytes.value())) {
                return Check.MISMATCH;
            }
            checked = true;
        }
        return checked ? Check.MATCH : Check.UNUSABLE;
    }
}
