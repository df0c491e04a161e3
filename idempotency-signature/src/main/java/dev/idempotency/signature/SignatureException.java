package dev.idempotency.signature;

import dev.idempotency.IdempotencyException;

/**
 * A message refused by a {@link SignatureVerifier}, for callers that throw rather than switch over
 * {@link Verification}. Its message is the refusal's: no key material, ever.
 */
public class SignatureException extends IdempotencyException {
    private static final long serialVersionUID = 1L;

    private final transient Verification.Refused refusal;

    /**
     * An exception for a refusal; its message is the refusal's reason and message.
     *
     * @param refusal the verifier's refusal; not null
     */
    public SignatureException(Verification.Refused refusal) {
        super(refusal.reason() + ": " + refusal.message(), null, null);
        this.refusal = refusal;
    }

    /**
     * The refusal this exception carries. Not serialized: after deserialization it is null.
     *
     * @return the refusal, with its reason, safe message and the server's time
     */
    public Verification.Refused refusal() {
        return refusal;
    }

    /**
     * Why the message was refused; shorthand for {@code refusal().reason()}.
     *
     * @return the refusal's reason, which also gives the HTTP status to answer with
     */
    public Verification.Reason reason() {
        return refusal.reason();
    }
}
