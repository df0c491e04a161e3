/**
 * The Jakarta Servlet (6.0+) side of the library: {@link dev.idempotency.servlet.IdempotencyFilter}. It binds each
 * request so that {@code @Idempotent} methods read their key from it ({@code #headers['Idempotency-Key']},
 * {@code #principal}), marks replayed answers with {@code Idempotent-Replayed: true}, answers the library's refusals
 * with RFC 9457 problem documents ({@link dev.idempotency.servlet.ProblemAnswer} gives a framework the same answer),
 * and, configured with routes, records and replays whole responses (route mode) and verifies signed requests
 * before the application sees them.
 *
 * <pre>{@code
 * context.addFilter("idempotency", IdempotencyFilter.builder().routes("POST /api/payments/**").build())
 *         .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/api/*");
 * }</pre>
 */
package dev.idempotency.servlet;
