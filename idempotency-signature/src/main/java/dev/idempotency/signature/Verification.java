package dev.idempotency.signature;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a verifier concluded: {@link Verified} or {@link Refused}. A value rather than an exception, so an adapter
 * maps it to an answer with a switch and a refused request costs no stack trace; {@link #orThrow()} is there for code
 * that prefers to throw.
 */
public sealed interface Verification {

    /** Why a message was refused, and the HTTP status an adapter answers with. */
    enum Reason {
        /** No signature at all (or none under the configured label). */
        MISSING_SIGNATURE(401),
        /** A signature header is not valid Structured Fields, or a parameter has the wrong type. */
        MALFORMED(400),
        /** No signature names a key id the resolver knows. */
        UNKNOWN_KEY(401),
        /** The signature does not verify with any key of its key id: forged, or the message changed on the way. */
        BAD_SIGNATURE(401),
        /** The signature leaves out a component the policy requires, or {@code created} or {@code nonce}. */
        INSUFFICIENT_COVERAGE(401),
        /** {@code created} is further from the server's time than the window, or {@code expires} has passed. */
        OUTSIDE_WINDOW(401),
        /** The nonce was seen already: a replay. */
        NONCE_REUSED(401),
        /** The body does not match its {@code Content-Digest}. */
        DIGEST_MISMATCH(401);

        private final int httpStatus;

        Reason(int httpStatus) {
            this.httpStatus = httpStatus;
        }

        /**
         * The HTTP status an adapter answers a refusal of this reason with.
         *
         * @return 400 for a message that cannot be read as signed, 401 for one that is not accepted as signed
         */
        public int httpStatus() {
            return httpStatus;
        }
    }

    /**
     * The message is authentic, fresh and seen for the first time.
     *
     * @param keyId the key id whose key verified the signature
     * @param label the label of the verified signature in {@code Signature-Input}, or {@code legacy} for the legacy
     *        scheme
     * @param created the signature's {@code created} time (the legacy scheme's timestamp), to the second
     * @param nonce the nonce claimed for this message; for the legacy scheme the claimed value, prefixed
     *        {@code legacy-nonce:} or, without a nonce header, {@code legacy-sign:} and the signature
     * @param coveredComponents the components the signature covers, in signed order (e.g. {@code @method},
     *        {@code content-digest}); for the legacy scheme one entry naming its algorithm, e.g.
     *        {@code legacy:hmac_sha256}
     */
    record Verified(String keyId, String label, Instant created, String nonce, List<String> coveredComponents)
            implements Verification {
        /**
         * A verified result; {@code coveredComponents} is copied into an immutable list.
         *
         * @param keyId the key id whose key verified the signature
         * @param label the label of the verified signature, or {@code legacy}
         * @param created the signature's {@code created} time
         * @param nonce the nonce claimed for this message
         * @param coveredComponents the components the signature covers, in signed order
         * @throws NullPointerException if {@code coveredComponents} is null or holds null
         */
        public Verified {
            coveredComponents = List.copyOf(coveredComponents);
        }
    }

    /**
     * Refused, with a message safe to send back (it never holds key material) and the server's time, so a client
     * refused for its clock can see by how much it is off.
     *
     * @param reason why the message was refused
     * @param message a description for the client; never holds key material
     * @param serverTime the server's time when the message was verified
     */
    record Refused(Reason reason, String message, Instant serverTime) implements Verification {
        /**
         * A refusal.
         *
         * @param reason why the message was refused
         * @param message a description for the client, without key material
         * @param serverTime the server's time when the message was verified
         * @throws NullPointerException if {@code reason} or {@code message} is null
         */
        public Refused {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }

        /**
         * The status to answer with; shorthand for {@code reason().httpStatus()}.
         *
         * @return 400 or 401
         */
        public int httpStatus() {
            return reason.httpStatus();
        }
    }

    /**
     * Whether the message passed.
     *
     * @return {@code true} for {@link Verified}, {@code false} for {@link Refused}
     */
    default boolean verified() {
        return this instanceof Verified;
    }

    /**
     * The verified result, for code that prefers an exception to a switch.
     *
     * @return this, if it is {@link Verified}
     * @throws SignatureException if this is {@link Refused}; it carries the refusal
     */
    default Verified orThrow() {
        if (this instanceof Verified v) {
            return v;
        }
        throw new SignatureException((Refused) this);
    }
}
