package dev.idempotency.signature;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.signature.internal.StructuredFields;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * RFC 9421 appendix B: the test request (B.2), the keys test-shared-secret (B.1.5) and test-key-ed25519 (B.1.4), and
 * the published signature bases and signatures of B.2.5 and B.2.6. Both algorithms are deterministic, so signing must
 * reproduce the published bytes exactly, and verifying must accept them and refuse a single changed bit.
 */
class SignatureRfc9421ExamplesTest {

    static final byte[] SHARED_SECRET = Base64.getDecoder().decode(
            "uzvJfB4u3N0Jy4T7NZ75MDVcr8zSTInedJtkgcu46YW4XByzNJjxBdtjUkdJPBtbmHhIDi6pcl8jsasjlTMtDQ==");
    static final byte[] ED25519_PUBLIC = Base64.getDecoder().decode(
            "MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=");
    static final byte[] ED25519_PRIVATE = Base64.getDecoder().decode(
            "MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF");

    /** B.2: POST /foo?param=Value&amp;Pet=dog to example.com. */
    static SignedRequest testRequest() {
        return SignedRequest.of("POST", URI.create("https://example.com/foo?param=Value&Pet=dog"), Map.of(
                "Host", List.of("example.com"),
                "Date", List.of("Tue, 20 Apr 2021 02:07:55 GMT"),
                "Content-Type", List.of("application/json"),
                "Content-Digest", List.of("sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNy"
                        + "ealdVLvRwEmTHWXvJwew==:"),
                "Content-Length", List.of("18")), "{\"hello\": \"world\"}".getBytes(StandardCharsets.UTF_8));
    }

    private static StructuredFields.InnerList input(String signatureInput, String label) {
        return (StructuredFields.InnerList) StructuredFields.parseDictionary(signatureInput).get(label);
    }

    private static byte[] signature(String signatureField, String label) {
        return ((StructuredFields.Bytes) ((StructuredFields.Item) StructuredFields.parseDictionary(signatureField)
                .get(label)).value()).value();
    }

    private static byte[] base(SignedRequest request, StructuredFields.InnerList input) {
        return SignatureBase.build(request, SignatureBase.componentNames(input), input);
    }

    @Test
    void b25HmacSha256() {
        String signatureInput = "sig-b25=(\"date\" \"@authority\" \"content-type\")"
                + ";created=1618884473;keyid=\"test-shared-secret\"";
        String signatureField = "sig-b25=:pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=:";
        StructuredFields.InnerList input = input(signatureInput, "sig-b25");
        byte[] base = base(testRequest(), input);
        assertThat(new String(base, StandardCharsets.ISO_8859_1)).isEqualTo("""
                "date": Tue, 20 Apr 2021 02:07:55 GMT
                "@authority": example.com
                "content-type": application/json
                "@signature-params": ("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret\"""");
        assertThat(SigningKey.hmacSha256("test-shared-secret", SHARED_SECRET).sign(base))
                .isEqualTo(signature(signatureField, "sig-b25"));
        VerificationKey key = VerificationKey.hmacSha256(SHARED_SECRET);
        assertThat(key.verifies(base, signature(signatureField, "sig-b25"))).isTrue();
        byte[] flipped = signature(signatureField, "sig-b25");
        flipped[31] ^= 1;
        assertThat(key.verifies(base, flipped)).isFalse();
        assertThat("sig-b25=" + StructuredFields.serialize(input)).isEqualTo(signatureInput);
    }

    @Test
    void b26Ed25519() {
        String signatureInput = "sig-b26=(\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" \"content-length\")"
                + ";created=1618884473;keyid=\"test-key-ed25519\"";
        String signatureField = "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lI"
                + "p5WPpBKRCw==:";
        StructuredFields.InnerList input = input(signatureInput, "sig-b26");
        byte[] base = base(testRequest(), input);
        assertThat(new String(base, StandardCharsets.ISO_8859_1)).isEqualTo("""
                "date": Tue, 20 Apr 2021 02:07:55 GMT
                "@method": POST
                "@path": /foo
                "@authority": example.com
                "content-type": application/json
                "content-length": 18
                "@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length")\
                ;created=1618884473;keyid="test-key-ed25519\"""");
        assertThat(SigningKey.ed25519("test-key-ed25519", ED25519_PRIVATE).sign(base))
                .isEqualTo(signature(signatureField, "sig-b26"));
        VerificationKey key = VerificationKey.ed25519(ED25519_PUBLIC);
        assertThat(key.verifies(base, signature(signatureField, "sig-b26"))).isTrue();
        byte[] otherBase = base.clone();
        otherBase[10] ^= 1;
        assertThat(key.verifies(otherBase, signature(signatureField, "sig-b26"))).isFalse();
    }

    @Test
    void theRfcSignaturesPassTheFullVerifierWhenItsPolicyIsNotInTheWay() {
        // the examples carry no nonce and do not cover @method/@target-uri/content-digest: the policy refuses them
        SignedRequest request = withSignature(testRequest(), "sig-b25=(\"date\" \"@authority\" \"content-type\")"
                + ";created=1618884473;keyid=\"test-shared-secret\"", "sig-b25=:pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=:");
        SignatureVerifier verifier = SignatureVerifier.builder()
                .keys(KeyResolver.of(Map.of("test-shared-secret", List.of(VerificationKey.hmacSha256(SHARED_SECRET)))))
                .clock(java.time.Clock.fixed(java.time.Instant.ofEpochSecond(1618884473), java.time.ZoneOffset.UTC))
                .build();
        Verification v = verifier.verify(request);
        assertThat(v).isInstanceOfSatisfying(Verification.Refused.class, r -> {
            assertThat(r.reason()).isEqualTo(Verification.Reason.INSUFFICIENT_COVERAGE);
            assertThat(r.message()).contains("@method", "@target-uri", "content-digest", ";nonce");
        });
    }

    static SignedRequest withSignature(SignedRequest request, String input, String signature) {
        return (SignedRequest) HttpMessageSigner.withField(HttpMessageSigner.withField(request, "Signature-Input", input),
                "Signature", signature);
    }
}
