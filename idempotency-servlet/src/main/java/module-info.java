/**
 * The Jakarta Servlet filter, {@link dev.idempotency.servlet.IdempotencyFilter}: it binds each request for
 * {@code #headers['…']} and {@code #principal}, marks replays and answers refusals with RFC 9457 problem details.
 * {@code jakarta.servlet} is the container's; the filter's type is one of its types, so it is required transitively.
 */
module dev.idempotency.servlet {
    requires transitive dev.idempotency.core;
    requires transitive jakarta.servlet;
    requires com.fasterxml.jackson.core;

    exports dev.idempotency.servlet;
}
