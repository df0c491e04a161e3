/**
 * The javaagent, {@link dev.idempotency.agent.IdempotencyAgent}: one self-contained jar that makes every
 * {@code @Idempotent} method idempotent with no build change, and runs the servlet filter in front of every
 * {@code HttpServlet}.
 *
 * <pre>{@code
 * java -javaagent:idempotency-agent.jar=store=redis://127.0.0.1:6379,ttl=PT10M -jar app.jar
 * }</pre>
 *
 * <p>Other public classes of this package are called by instrumented code only and are not part of the API.
 */
package dev.idempotency.agent;
