/**
 * The Jakarta Servlet filter, {@link dev.idempotency.servlet.IdempotencyFilter}: it binds each request for
 * {@code #headers['…']} and {@code #principal}, marks replays, answers refusals with RFC 9457 problem details, and
 * in route mode records and replays whole responses; on signature routes it verifies signed requests first.
 * {@code jakarta.servlet} is the container's; the filter's type is one of its types, so it is required transitively.
 */
module dev.idempotency.servlet {
    requires transitive dev.idempotency.core;
    requires transitive jakarta.servlet;
    requires transitive dev.idempotency.signature; // the builder takes a SignatureVerifier
    requires com.fasterxml.jackson.core;

    exports dev.idempotency.servlet;
    // route mode's records are stored as JSON through the engine, which reads them with Jackson
    opens dev.idempotency.servlet to com.fasterxml.jackson.databind;
}
