/**
 * Signed requests against replay: RFC 9421 HTTP Message Signatures with RFC 9530 {@code Content-Digest}, a window on
 * {@code created} and single-use nonces, plus an opt-in legacy {@code Timestamp} + {@code Sign} scheme. Needs only the
 * API module and the JDK, so the servlet filter, the agent and Spring can adapt it without pulling anything in.
 */
module dev.idempotency.signature {
    requires transitive dev.idempotency.api;

    exports dev.idempotency.signature;
}
