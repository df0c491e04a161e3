/**
 * Signed requests against forgery, tampering and replay.
 *
 * <p>Servers verify with a {@link dev.idempotency.signature.SignatureVerifier}: RFC 9421 HTTP Message Signatures
 * ({@code hmac-sha256} or {@code ed25519}) over the method, target URI, {@code Content-Digest} (RFC 9530) and
 * {@code Idempotency-Key}, with {@code created} inside a window of the server's clock and a single-use nonce kept in a
 * {@link dev.idempotency.signature.NonceRegistry}. Keys come from a {@link dev.idempotency.signature.KeyResolver}
 * (several per key id during a rotation). The older {@code Timestamp} + {@code Sign} scheme many payment APIs use is
 * accepted only when a {@link dev.idempotency.signature.LegacyScheme} is configured.
 *
 * <p>Clients sign with a {@link dev.idempotency.signature.RequestSigner}: an
 * {@link dev.idempotency.signature.HttpMessageSigner} for RFC 9421, or {@link dev.idempotency.signature.LegacyScheme#signer}.
 * A message is seen through {@link dev.idempotency.signature.SignedMessage} and
 * {@link dev.idempotency.signature.SignedRequest}, so any HTTP stack or message queue can be adapted.
 *
 * <pre>{@code
 * // client, per attempt
 * RequestSigner signer = HttpMessageSigner.builder(SigningKey.hmacSha256("client-1", secret)).build();
 * Map<String, String> fields = signer.sign(SignedRequest.of("POST", uri, headers, body));
 *
 * // server, per request
 * SignatureVerifier verifier = SignatureVerifier.builder()
 *         .keys(KeyResolver.of(Map.of("client-1", List.of(VerificationKey.hmacSha256(secret)))))
 *         .build();
 * Verification result = verifier.verify(SignedRequest.of(method, targetUri, receivedHeaders, receivedBody));
 * }</pre>
 *
 * <p>Verifiers, signers and keys are immutable and thread-safe. No type here prints key material.
 */
package dev.idempotency.signature;
