package dev.idempotency.servlet;

import dev.idempotency.IdempotencyException;

/**
 * The answer {@link IdempotencyFilter} gives to one of the library's refusals, for a framework that answers it through
 * its own exception handling (Spring MVC's {@code ProblemDetail}) and must say the same: the status, the
 * {@code Retry-After} seconds (0 for none), the RFC 9457 title and fixed detail text, the namespace, and the body the
 * filter writes.
 *
 * @param status            400, 409, 422 or 503
 * @param title             the RFC 9457 {@code title}: the status's reason phrase
 * @param detail            the RFC 9457 {@code detail}: a fixed text for clients, never the exception's message
 * @param retryAfterSeconds the {@code Retry-After} value, or 0 when the answer has none
 * @param namespace         the refused call's namespace, or {@code null} when the refusal came before it had one
 */
public record ProblemAnswer(int status, String title, String detail, int retryAfterSeconds, String namespace) {

    /** The media type of {@link #body()}. */
    public static final String CONTENT_TYPE = Refusal.CONTENT_TYPE;

    /**
     * The answer to the refusal behind a failure (looked for along its causes), or {@code null} when there is none:
     * not one of the library's exceptions, or one that is not a refusal ({@code IdempotencyConfigurationException},
     * a bug to fix).
     *
     * @param failure what escaped the handler; may be null
     * @return the answer the filter would give, or {@code null}
     */
    public static ProblemAnswer of(Throwable failure) {
        IdempotencyException cause = Refusal.find(failure);
        Refusal refusal = cause == null ? null : Refusal.of(cause);
        return refusal == null ? null : new ProblemAnswer(refusal.status, refusal.title, refusal.detail,
                refusal.retryAfterSeconds, cause.getNamespace());
    }

    /**
     * The {@code application/problem+json} document the filter writes, in ASCII.
     *
     * @return a new array with the JSON document
     */
    public byte[] body() {
        return Refusal.body(title, status, detail, namespace);
    }
}
