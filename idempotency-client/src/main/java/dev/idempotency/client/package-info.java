/**
 * {@link dev.idempotency.client.IdempotentHttpClient}: a client over {@code java.net.http} that retries safely. Every
 * request carries one {@code Idempotency-Key} on all its attempts, so the server runs it once; only failures and
 * answers worth repeating (a lost connection or response, 409, 429, 502, 503, 504) are retried, with backoff, full
 * jitter, {@code Retry-After} and a retry budget. With a {@link dev.idempotency.signature.RequestSigner} each attempt
 * is signed afresh.
 *
 * <pre>{@code
 * IdempotentHttpClient client = IdempotentHttpClient.builder().build();
 * IdempotentHttpClient.Result<String> result = client.send(request, HttpResponse.BodyHandlers.ofString());
 * }</pre>
 */
package dev.idempotency.client;
