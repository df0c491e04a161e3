package dev.idempotency.signature;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.memory.MemoryStore;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The store-backed nonce registry on core's in-memory store, driven by a verifier on an injected clock. */
class SignatureStoreNonceRegistryTest {

    @Test
    void aNonceIsClaimedOncePerKeyIdForItsTtlThenForgotten() {
        SignatureVerifierTest.MutableClock clock = new SignatureVerifierTest.MutableClock(Instant.parse("2026-12-03T12:00:00Z"));
        StoreNonceRegistry registry = new StoreNonceRegistry(new MemoryStore(clock, 10_000));
        Duration ttl = Duration.ofSeconds(240);
        assertThat(registry.claimOnce("client-1", "n-1", ttl)).isTrue();
        assertThat(registry.claimOnce("client-1", "n-1", ttl)).isFalse();
        assertThat(registry.claimOnce("client-2", "n-1", ttl)).isTrue();
        assertThat(registry.claimOnce("client-1\u0000n", "-1", ttl)).as("no separator ambiguity").isTrue();
        clock.now = clock.now.plusSeconds(239);
        assertThat(registry.claimOnce("client-1", "n-1", ttl)).isFalse();
        clock.now = clock.now.plusSeconds(2);
        assertThat(registry.claimOnce("client-1", "n-1", ttl)).isTrue();
    }

    @Test
    void aVerifierOnItRefusesAReplay() {
        SignatureVerifierTest.MutableClock clock = new SignatureVerifierTest.MutableClock(Instant.parse("2026-12-03T12:00:00Z"));
        byte[] secret = "s".repeat(32).getBytes(StandardCharsets.UTF_8);
        SignatureVerifier verifier = SignatureVerifier.builder().clock(clock)
                .keys(KeyResolver.of(Map.of("c", List.of(VerificationKey.hmacSha256(secret)))))
                .nonces(new StoreNonceRegistry(new MemoryStore(clock, 10_000))).build();
        URI uri = URI.create("https://pay.example/transfers");
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        Map<String, List<String>> headers = new HashMap<>();
        HttpMessageSigner.builder(SigningKey.hmacSha256("c", secret)).clock(clock).build()
                .sign(SignedRequest.of("POST", uri, Map.of(), body)).forEach((k, v) -> headers.put(k, List.of(v)));
        SignedRequest request = SignedRequest.of("POST", uri, headers, body);
        assertThat(verifier.verify(request).verified()).isTrue();
        assertThat(((Verification.Refused) verifier.verify(request)).reason()).isEqualTo(Verification.Reason.NONCE_REUSED);
    }
}
