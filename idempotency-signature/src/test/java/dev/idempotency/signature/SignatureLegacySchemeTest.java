package dev.idempotency.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.signature.internal.Crypto;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The seed's Timestamp + Sign scheme: computed here by hand, independently of the scheme's code, both ways. */
class SignatureLegacySchemeTest {

    private static final Instant NOW = Instant.ofEpochSecond(1710000000);
    private static final byte[] SECRET = "secretKey".getBytes(StandardCharsets.UTF_8);
    private static final URI URL = URI.create("https://pay.example/api/transfer");
    private static final byte[] BODY = "{ \"user_id\": 1, \"amount\": 100 }".getBytes(StandardCharsets.UTF_8);
    private static final String CANONICAL = "amount=100&timestamp=1710000000&user_id=1";

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final KeyResolver keys = KeyResolver.of(Map.of("partner", List.of(VerificationKey.hmacSha256(SECRET))));

    private SignatureVerifier verifier(LegacyScheme legacy) {
        return SignatureVerifier.builder().keys(keys).clock(clock).legacy(legacy).build();
    }

    private static SignedRequest request(String timestamp, String sign, byte[] body) {
        Map<String, List<String>> h = new HashMap<>();
        h.put("Content-Type", List.of("application/json"));
        h.put("Timestamp", List.of(timestamp));
        h.put("Sign", List.of(sign));
        return SignedRequest.of("POST", URL, h, body);
    }

    private static String hmacHex(String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
        return Crypto.hex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String md5Hex(String text) throws Exception {
        return Crypto.hex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theCanonicalStringIsTheSortedParametersWithTheTimestamp() {
        assertThat(LegacyScheme.canonical(request("1710000000", "x", BODY), "1710000000", null)).isEqualTo(CANONICAL);
        SignedRequest form = SignedRequest.of("POST", URI.create("https://pay.example/t?b=2&a=%C3%A9+x"),
                Map.of("Content-Type", List.of("application/x-www-form-urlencoded; charset=UTF-8")),
                "c=3&a=1".getBytes(StandardCharsets.UTF_8));
        assertThat(LegacyScheme.canonical(form, "5", "n1")).isEqualTo("a=1&a=\u00e9 x&b=2&c=3&nonce=n1&timestamp=5");
    }

    @Test
    void hmacSha256SignedByHandIsAcceptedOnceAndTamperingOrStaleTimeIsRefused() throws Exception {
        SignatureVerifier v = verifier(LegacyScheme.hmacSha256("partner").build());
        SignedRequest good = request("1710000000", hmacHex(CANONICAL).toUpperCase(), BODY);
        assertThat(v.verify(good)).isInstanceOfSatisfying(Verification.Verified.class, ok -> {
            assertThat(ok.keyId()).isEqualTo("partner");
            assertThat(ok.label()).isEqualTo("legacy");
        });
        assertThat(((Verification.Refused) v.verify(good)).reason()).isEqualTo(Verification.Reason.NONCE_REUSED);
        byte[] tampered = "{ \"user_id\": 1, \"amount\": 1000 }".getBytes(StandardCharsets.UTF_8);
        assertThat(((Verification.Refused) v.verify(request("1710000000", hmacHex(CANONICAL), tampered))).reason())
                .isEqualTo(Verification.Reason.BAD_SIGNATURE);
        String old = "amount=100&timestamp=1709999879&user_id=1";
        Verification.Refused stale = (Verification.Refused) v.verify(request("1709999879", hmacHex(old), BODY));
        assertThat(stale.reason()).isEqualTo(Verification.Reason.OUTSIDE_WINDOW);
        assertThat(stale.serverTime()).isEqualTo(NOW);
        String edge = "amount=100&timestamp=1709999880&user_id=1";
        assertThat(v.verify(request("1709999880", hmacHex(edge), BODY)).verified()).isTrue();
    }

    @Test
    void md5IsAcceptedOnlyWhenChosenAndHmacIsThenNotAnAlternative() throws Exception {
        String md5 = md5Hex(CANONICAL + "&secretKey");
        SignatureVerifier hmacOnly = verifier(LegacyScheme.hmacSha256("partner").build());
        assertThat(((Verification.Refused) hmacOnly.verify(request("1710000000", md5, BODY))).reason())
                .isEqualTo(Verification.Reason.BAD_SIGNATURE);
        SignatureVerifier withMd5 = SignatureVerifier.builder().keys(keys).clock(clock).properties(Map.of(
                "idempotency.signature.legacy", "md5", "idempotency.signature.legacy.keyId", "partner")).build();
        assertThat(withMd5.verify(request("1710000000", md5, BODY)).verified()).isTrue();
        assertThat(withMd5.verify(request("1710000000", hmacHex(CANONICAL), BODY)).verified()).isFalse();
    }

    @Test
    void withoutTheLegacySchemeConfiguredALegacyRequestIsUnsigned() throws Exception {
        SignatureVerifier off = SignatureVerifier.builder().keys(keys).clock(clock).build();
        assertThat(((Verification.Refused) off.verify(request("1710000000", hmacHex(CANONICAL), BODY))).reason())
                .isEqualTo(Verification.Reason.MISSING_SIGNATURE);
    }

    @Test
    void ourSignerRoundTripsEitherAlgorithmWithAFreshNonceEachTime() {
        for (LegacyScheme scheme : List.of(LegacyScheme.hmacSha256("partner").build(),
                LegacyScheme.hmacSha256("partner").md5().keyIdHeader("App-Id").build())) {
            SignatureVerifier v = verifier(scheme);
            RequestSigner signer = scheme.signer(SigningKey.hmacSha256("partner", SECRET), clock);
            SignedRequest unsigned = SignedRequest.of("POST", URL, Map.of("Content-Type", List.of("application/json")), BODY);
            for (int attempt = 0; attempt < 2; attempt++) {
                Map<String, List<String>> h = new HashMap<>(Map.of("Content-Type", List.of("application/json")));
                signer.sign(unsigned).forEach((k, val) -> h.put(k, List.of(val)));
                assertThat(h).containsKeys("Timestamp", "Nonce", "Sign");
                assertThat(v.verify(SignedRequest.of("POST", URL, h, BODY)).verified()).as(scheme + " attempt " + attempt)
                        .isTrue();
            }
        }
    }

    @Test
    void bodiesTheSchemeCannotCoverAreRefusedAsMalformed() throws Exception {
        SignatureVerifier v = verifier(LegacyScheme.hmacSha256("partner").build());
        for (byte[] body : new byte[][] {"{\"a\":{\"b\":1}}".getBytes(StandardCharsets.UTF_8),
                "{\"a\":1,\"a\":2}".getBytes(StandardCharsets.UTF_8), "{\"timestamp\":1}".getBytes(StandardCharsets.UTF_8),
                "[1]".getBytes(StandardCharsets.UTF_8)}) {
            Verification.Refused r = (Verification.Refused) v.verify(request("1710000000", hmacHex(CANONICAL), body));
            assertThat(r.reason()).as(new String(body, StandardCharsets.UTF_8)).isEqualTo(Verification.Reason.MALFORMED);
            assertThat(r.httpStatus()).isEqualTo(400);
        }
        SignedRequest xml = SignedRequest.of("POST", URL, Map.of("Content-Type", List.of("application/xml"),
                "Timestamp", List.of("1710000000"), "Sign", List.of("00")), "<a/>".getBytes(StandardCharsets.UTF_8));
        assertThat(((Verification.Refused) v.verify(xml)).message()).contains("application/xml");
        assertThat(((Verification.Refused) v.verify(request("soon", "00", BODY))).reason())
                .isEqualTo(Verification.Reason.MALFORMED);
    }

    @Test
    void theLegacySignerNeedsASharedSecret() throws Exception {
        var pair = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        assertThatThrownBy(() -> LegacyScheme.hmacSha256("p").build().signer(SigningKey.ed25519("p", pair.getPrivate()), clock))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LegacyScheme.hmacSha256(null).build()).hasMessageContaining("keyId");
        assertThat(Base64.getEncoder().encodeToString(SECRET)).isNotEmpty();
    }
}
