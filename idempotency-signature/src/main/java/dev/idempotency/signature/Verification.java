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

        /** 400 for a message that cannot be read as signed, 401 for one that is not accepted as signed. */
        public int httpStatus() {
            return httpStatus;
        }
    }

    /** The message is authentic, fresh and seen for the first time. */
    record Verified(String keyId, String label, Instant created, String nonce, List<String> coveredComponents)
            implements Verification {
        public Verified {
            coveredComponents = List.copyOf(coveredComponents);
        }
    }

    /**
     * Refused, with a message safe to send back (it never holds key material) and the server's time, so a client
     * refused for its clock can see by how much it is off.
     */
    record Refused(Reason reason, String message, Instant serverTime) implements Verification {
        public Refused {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }

        public int httpStatus() {
            return reason.httpStatus();
        }
    }

    default boolean verified() {
        return this instanceof Verified;
    }

    /** The verified result, or a {@link SignatureException} carrying the refusal. */
    default Verified orThrow() {
        if (this instanceof Verified v) {
            return v;
        }
        throw new SignatureException((Refused) this);
    }
}
