package dev.idempotency.signature;

import dev.idempotency.IdempotencyException;

/**
 * A message refused by a {@link SignatureVerifier}, for callers that throw rather than switch over
 * {@link Verification}. Its message is the refusal's: no key material, ever.
 */
public class SignatureException extends IdempotencyException {
    private static final long serialVersionUID = 1L;

    private final transient Verification.Refused refusal;

    public SignatureException(Verification.Refused refusal) {
        super(refusal.reason() + ": " + refusal.message(), null, null);
        this.refusal = refusal;
    }

    public Verification.Refused refusal() {
        return refusal;
    }

    public Verification.Reason reason() {
        return refusal.reason();
    }
}
