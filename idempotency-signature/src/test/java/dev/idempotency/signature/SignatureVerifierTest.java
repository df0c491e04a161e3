package dev.idempotency.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The verifier's promises, attacked one by one, on an injected clock: no sleeping. */
class SignatureVerifierTest {

    private static final Instant T0 = Instant.parse("2026-12-03T12:00:00Z");
    private static final byte[] SECRET = "a shared secret with URI punctuation :/?#[]@!$&'()*+,;=%".getBytes(StandardCharsets.UTF_8);
    private static final String SECRET_B64 = Base64.getEncoder().encodeToString(SECRET);
    private static final URI URL = URI.create("https://pay.example/transfers?currency=EUR");
    private static final byte[] BODY = "{\"user_id\":1,\"amount\":100}".getBytes(StandardCharsets.UTF_8);

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final MutableClock serverClock = new MutableClock(T0);
    private final MutableClock clientClock = new MutableClock(T0);
    private final SigningKey clientKey = SigningKey.hmacSha256("client-1", SECRET);
    private final SignatureVerifier verifier = SignatureVerifier.builder()
            .keys(KeyResolver.of(Map.of("client-1", List.of(VerificationKey.hmacSha256(SECRET)))))
            .clock(serverClock).build();

    private static Map<String, List<String>> headers() {
        Map<String, List<String>> h = new LinkedHashMap<>();
        h.put("Content-Type", List.of("application/json"));
        h.put("Idempotency-Key", List.of("\"order-42\""));
        return h;
    }

    private SignedRequest signed(SigningKey key, String method, URI uri, Map<String, List<String>> headers, byte[] body) {
        SignedRequest unsigned = SignedRequest.of(method, uri, headers, body);
        Map<String, List<String>> all = new HashMap<>(headers);
        HttpMessageSigner.builder(key).clock(clientClock).build().sign(unsigned).forEach((k, v) -> all.put(k, List.of(v)));
        return SignedRequest.of(method, uri, all, body);
    }

    private SignedRequest signed() {
        return signed(clientKey, "POST", URL, headers(), BODY);
    }

    /** The same request with one header replaced (name in any case). */
    private static SignedRequest with(SignedRequest r, String name, String value) {
        return (SignedRequest) HttpMessageSigner.withField(r, name, value);
    }

    private static SignedRequest rebuilt(SignedRequest r, String method, URI uri, byte[] body) {
        Map<String, List<String>> h = new HashMap<>();
        for (String n : List.of("content-type", "idempotency-key", "content-digest", "signature-input", "signature")) {
            h.put(n, r.headerValues(n));
        }
        return SignedRequest.of(method, uri, h, body);
    }

    private Verification.Refused refused(Verification v, Verification.Reason reason) {
        assertThat(v).isInstanceOf(Verification.Refused.class);
        Verification.Refused r = (Verification.Refused) v;
        assertThat(r.reason()).as(r.message()).isEqualTo(reason);
        return r;
    }

    @Test
    void aSignedRequestVerifiesOnceWithWhatItCovered() {
        SignedRequest request = signed();
        Verification v = verifier.verify(request);
        assertThat(v).isInstanceOfSatisfying(Verification.Verified.class, ok -> {
            assertThat(ok.keyId()).isEqualTo("client-1");
            assertThat(ok.label()).isEqualTo("sig");
            assertThat(ok.created()).isEqualTo(T0);
            assertThat(ok.coveredComponents())
                    .containsExactly("@method", "@target-uri", "content-type", "content-digest", "idempotency-key");
        });
        assertThat(request.header("signature-input")).contains("keyid=\"client-1\"", "alg=\"hmac-sha256\"", "nonce=");
        Verification.Refused again = refused(verifier.verify(request), Verification.Reason.NONCE_REUSED);
        assertThat(again.httpStatus()).isEqualTo(401);
    }

    @Test
    void theWindowIsInclusiveAt120SecondsEitherWayAndTellsTheServerTime() {
        for (long skew : new long[] {-120, 120}) {
            clientClock.now = T0.plusSeconds(skew);
            assertThat(verifier.verify(signed()).verified()).as("skew %d", skew).isTrue();
        }
        for (long skew : new long[] {-121, 121, 3600}) {
            clientClock.now = T0.plusSeconds(skew);
            Verification.Refused r = refused(verifier.verify(signed()), Verification.Reason.OUTSIDE_WINDOW);
            assertThat(r.serverTime()).isEqualTo(T0);
            assertThat(r.message()).contains(T0.toString(), Math.abs(skew) + " s");
            assertThat(r.httpStatus()).isEqualTo(401);
        }
    }

    @Test
    void theServerClockMovingPastTheWindowRefusesAnOldRequestAndTheNonceIsKeptForTwiceTheWindow() {
        SignedRequest request = signed();
        assertThat(verifier.verify(request).verified()).isTrue();
        serverClock.now = T0.plusSeconds(119);
        refused(verifier.verify(request), Verification.Reason.NONCE_REUSED);
        serverClock.now = T0.plusSeconds(121);
        refused(verifier.verify(request), Verification.Reason.OUTSIDE_WINDOW);
        InMemoryNonceRegistry registry = new InMemoryNonceRegistry(serverClock);
        serverClock.now = T0;
        assertThat(registry.claimOnce("k", "n", Duration.ofSeconds(240))).isTrue();
        serverClock.now = T0.plusSeconds(239);
        assertThat(registry.claimOnce("k", "n", Duration.ofSeconds(240))).isFalse();
        assertThat(registry.claimOnce("other-key", "n", Duration.ofSeconds(240))).isTrue();
        serverClock.now = T0.plusSeconds(240);
        assertThat(registry.claimOnce("k", "n", Duration.ofSeconds(240))).isTrue();
        // a quarter ttl later the next claim sweeps what has expired
        serverClock.now = T0.plusSeconds(240 + 60);
        registry.claimOnce("k2", "n", Duration.ofSeconds(1));
        serverClock.now = T0.plusSeconds(240 + 480);
        registry.claimOnce("k3", "n", Duration.ofSeconds(240));
        assertThat(registry.size()).as("only the newest claim is left").isEqualTo(1);
    }

    @Test
    void tamperingWithAnyCoveredPartIsRefused() {
        SignedRequest r = signed();
        byte[] otherBody = "{\"user_id\":1,\"amount\":999}".getBytes(StandardCharsets.UTF_8);
        Map<String, Verification.Reason> cases = new LinkedHashMap<>();
        List<SignedRequest> tampered = new ArrayList<>();
        tampered.add(rebuilt(r, "PUT", URL, BODY));
        tampered.add(rebuilt(r, "POST", URI.create("https://pay.example/refunds?currency=EUR"), BODY));
        tampered.add(rebuilt(r, "POST", URI.create("https://pay.example/transfers?currency=USD"), BODY));
        tampered.add(rebuilt(r, "POST", URI.create("https://evil.example/transfers?currency=EUR"), BODY));
        tampered.add(with(r, "Idempotency-Key", "\"order-43\""));
        tampered.add(with(r, "Content-Type", "text/plain"));
        tampered.add(with(r, "Content-Digest", ContentDigest.sha256(otherBody)));
        tampered.add(with(r, "Signature-Input", r.header("signature-input").replaceFirst("created=\\d+",
                "created=" + (T0.getEpochSecond() + 1))));
        for (SignedRequest t : tampered) {
            refused(verifier.verify(t), Verification.Reason.BAD_SIGNATURE);
        }
        refused(verifier.verify(rebuilt(r, "POST", URL, otherBody)), Verification.Reason.DIGEST_MISMATCH);
        // a header removed that the signature covered
        Map<String, List<String>> h = new HashMap<>();
        for (String n : List.of("content-type", "content-digest", "signature-input", "signature")) {
            h.put(n, r.headerValues(n));
        }
        refused(verifier.verify(SignedRequest.of("POST", URL, h, BODY)), Verification.Reason.BAD_SIGNATURE);
        // and, untouched, it still passes: the refusals above were the tampering's
        assertThat(verifier.verify(r).verified()).isTrue();
    }

    @Test
    void aSignatureThatLeavesOutWhatMattersIsRefusedEvenIfValid() {
        // a body without content-digest coverage, an idempotency key not covered
        SignedRequest bare = signed(clientKey, "POST", URL, Map.of(), new byte[0]);
        SignedRequest bodyAdded = SignedRequest.of("POST", URL, Map.of("Signature-Input", bare.headerValues("signature-input"),
                "Signature", bare.headerValues("signature")), BODY);
        assertThat(refused(verifier.verify(bodyAdded), Verification.Reason.INSUFFICIENT_COVERAGE).message())
                .contains("content-digest");
        SignedRequest keyAdded = with(bare, "Idempotency-Key", "\"k\"");
        assertThat(refused(verifier.verify(keyAdded), Verification.Reason.INSUFFICIENT_COVERAGE).message())
                .contains("idempotency-key");
        SignatureVerifier strict = SignatureVerifier.builder().keys(id -> List.of(VerificationKey.hmacSha256(SECRET)))
                .clock(serverClock).require("authorization").build();
        assertThat(refused(strict.verify(signed()), Verification.Reason.INSUFFICIENT_COVERAGE).message())
                .contains("authorization");
    }

    @Test
    void unknownKeysMalformedHeadersAndAbsentSignaturesAreTold() {
        SignedRequest other = signed(SigningKey.hmacSha256("client-2", SECRET), "POST", URL, headers(), BODY);
        refused(verifier.verify(other), Verification.Reason.UNKNOWN_KEY);
        refused(verifier.verify(SignedRequest.of("POST", URL, headers(), BODY)), Verification.Reason.MISSING_SIGNATURE);
        SignedRequest r = signed();
        Verification.Refused bad = refused(verifier.verify(with(r, "Signature", "sig=not-bytes")),
                Verification.Reason.MALFORMED);
        assertThat(bad.httpStatus()).isEqualTo(400);
        refused(verifier.verify(with(r, "Signature-Input", "sig=(\"@method\"")), Verification.Reason.MALFORMED);
        refused(verifier.verify(with(r, "Signature-Input", r.header("signature-input").replace("created=", "created=-"))),
                Verification.Reason.OUTSIDE_WINDOW);
        refused(verifier.verify(with(r, "Signature-Input", r.header("signature-input")
                .replaceFirst("created=(\\d+)", "created=\"$1\""))), Verification.Reason.MALFORMED);
        refused(verifier.verify(with(r, "Signature-Input", r.header("signature-input").replace("\"@method\"",
                "\"@method\";req"))), Verification.Reason.MALFORMED);
        refused(verifier.verify(with(r, "Signature-Input", r.header("signature-input").replace("\"content-type\"",
                "\"@status\""))), Verification.Reason.MALFORMED);
    }

    @Test
    void aCoveredValueBeyondIso88591CannotBeSignedNorVerified() {
        Map<String, List<String>> h = headers();
        h.put("Content-Type", List.of("application/json; name=\u4e2d"));
        assertThatThrownBy(() -> signed(clientKey, "POST", URL, h, BODY)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ISO-8859-1");
        SignedRequest r = with(signed(), "Content-Type", "application/json; name=\u4e2d");
        refused(verifier.verify(r), Verification.Reason.MALFORMED);
        SignedRequest latin1 = with(signed(), "Content-Type", "application/json; name=caf\u00e9?");
        refused(verifier.verify(latin1), Verification.Reason.BAD_SIGNATURE);
    }

    @Test
    void theAlgParameterMustMatchTheKeyAndUnknownParametersAreSignedAlong() {
        SignedRequest r = signed();
        refused(verifier.verify(with(r, "Signature-Input", r.header("signature-input").replace("hmac-sha256", "ed25519"))),
                Verification.Reason.BAD_SIGNATURE);
        // an unknown parameter added afterwards changes the signature base: refused; signed along: accepted
        refused(verifier.verify(with(r, "Signature-Input", r.header("signature-input") + ";tag=\"x\"")),
                Verification.Reason.BAD_SIGNATURE);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("created", T0.getEpochSecond());
        params.put("nonce", "n-unknown-params");
        params.put("keyid", "client-1");
        params.put("tag", "app-v2");
        params.put("x-future", new dev.idempotency.signature.internal.StructuredFields.Token("whatever"));
        List<dev.idempotency.signature.internal.StructuredFields.Item> items = new ArrayList<>();
        for (String c : List.of("@method", "@target-uri", "content-digest", "idempotency-key")) {
            items.add(new dev.idempotency.signature.internal.StructuredFields.Item(c, Map.of()));
        }
        var input = new dev.idempotency.signature.internal.StructuredFields.InnerList(items, params);
        SignedRequest base = with(SignedRequest.of("POST", URL, headers(), BODY), "Content-Digest", ContentDigest.sha256(BODY));
        byte[] sig = clientKey.sign(SignatureBase.build(base, SignatureBase.componentNames(input), input));
        SignedRequest custom = with(with(base, "Signature-Input", "sig=" + dev.idempotency.signature.internal.StructuredFields
                .serialize(input)), "Signature", "sig=:" + Base64.getEncoder().encodeToString(sig) + ":");
        assertThat(custom.header("signature-input")).contains(";tag=\"app-v2\";x-future=whatever");
        assertThat(verifier.verify(custom).verified()).as("unknown parameters are signed along and otherwise ignored")
                .isTrue();
    }

    @Test
    void aSignatureInputSentWithExtraSpacesVerifiesAgainstTheCanonicalBase() {
        SignedRequest r = signed();
        String spaced = r.header("signature-input").replace("=(", "=( ");
        assertThat(verifier.verify(with(r, "Signature-Input", spaced)).verified()).isTrue();
        String paramSpaced = r.header("signature-input").replace(";nonce", "; nonce");
        refused(verifier.verify(with(r, "Signature-Input", paramSpaced)), Verification.Reason.NONCE_REUSED);
    }

    @Test
    void expiresIsHonoured() {
        SignedRequest unsigned = SignedRequest.of("POST", URL, headers(), BODY);
        Map<String, List<String>> all = new HashMap<>(headers());
        HttpMessageSigner.builder(clientKey).clock(clientClock).expiresAfter(Duration.ofSeconds(10)).build()
                .sign(unsigned).forEach((k, v) -> all.put(k, List.of(v)));
        SignedRequest r = SignedRequest.of("POST", URL, all, BODY);
        serverClock.now = T0.plusSeconds(11);
        assertThat(refused(verifier.verify(r), Verification.Reason.OUTSIDE_WINDOW).message()).contains("expired");
        serverClock.now = T0.plusSeconds(10);
        assertThat(verifier.verify(r).verified()).isTrue();
    }

    @Test
    void duringARotationBothKeysOfAKeyIdAreAccepted() {
        byte[] newSecret = "the new secret".getBytes(StandardCharsets.UTF_8);
        SignatureVerifier rotating = SignatureVerifier.builder().clock(serverClock).properties(Map.of(
                "idempotency.signature.keys.client-1", "hmac-sha256:" + SECRET_B64 + ", hmac-sha256:"
                        + Base64.getEncoder().encodeToString(newSecret))).build();
        assertThat(rotating.verify(signed()).verified()).isTrue();
        assertThat(rotating.verify(signed(SigningKey.hmacSha256("client-1", newSecret), "POST", URL, headers(), BODY))
                .verified()).isTrue();
        refused(rotating.verify(signed(SigningKey.hmacSha256("client-1", "retired".getBytes(StandardCharsets.UTF_8)),
                "POST", URL, headers(), BODY)), Verification.Reason.BAD_SIGNATURE);
    }

    @Test
    void ed25519KeysFromSettingsVerifyAndAnHmacKeyCannotStandInForThem() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        SignatureVerifier v = SignatureVerifier.builder().clock(serverClock).properties(Map.of(
                "idempotency.signature.keys.partner", "ed25519:" + Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()),
                "idempotency.signature.window", "PT30S")).build();
        assertThat(v.window()).isEqualTo(Duration.ofSeconds(30));
        SigningKey key = SigningKey.parse("partner", "ed25519:" + Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()));
        assertThat(v.verify(signed(key, "POST", URL, headers(), BODY)).verified()).isTrue();
        refused(v.verify(signed(SigningKey.hmacSha256("partner", SECRET), "POST", URL, headers(), BODY)),
                Verification.Reason.BAD_SIGNATURE);
    }

    @Test
    void ofSeveralSignaturesTheFirstWithAKnownKeyIdIsVerifiedOrTheConfiguredLabel() {
        SignedRequest mine = signed();
        String otherInput = "proxy=(\"@method\");created=1;keyid=\"someone-else\"";
        String otherSig = "proxy=:AAAA:";
        SignedRequest both = with(with(mine, "Signature-Input", otherInput + ", " + mine.header("signature-input")),
                "Signature", otherSig + ", " + mine.header("signature"));
        assertThat(verifier.verify(both)).isInstanceOfSatisfying(Verification.Verified.class,
                ok -> assertThat(ok.label()).isEqualTo("sig"));
        SignatureVerifier proxyOnly = SignatureVerifier.builder().keys(KeyResolver.of(Map.of("client-1",
                List.of(VerificationKey.hmacSha256(SECRET))))).clock(serverClock).label("proxy").build();
        refused(proxyOnly.verify(both), Verification.Reason.UNKNOWN_KEY);
        SignatureVerifier absent = SignatureVerifier.builder().keys(id -> List.of()).clock(serverClock).label("x").build();
        refused(absent.verify(both), Verification.Reason.MISSING_SIGNATURE);
    }

    @Test
    void aSignedNonHttpMessageVerifiesWithTheSameRules() {
        Map<String, List<String>> attributes = Map.of("Idempotency-Key", List.of("\"evt-7\""),
                "Content-Type", List.of("application/json"));
        SignedMessage unsigned = SignedMessage.of(attributes, BODY);
        Map<String, List<String>> all = new HashMap<>(attributes);
        HttpMessageSigner.builder(clientKey).clock(clientClock).build().sign(unsigned)
                .forEach((k, v) -> all.put(k, List.of(v)));
        SignedMessage message = SignedMessage.of(all, BODY);
        assertThat(verifier.verify(message)).isInstanceOfSatisfying(Verification.Verified.class, ok ->
                assertThat(ok.coveredComponents()).containsExactly("content-type", "content-digest", "idempotency-key"));
        refused(verifier.verify(message), Verification.Reason.NONCE_REUSED);
        refused(verifier.verify(SignedMessage.of(all, "{}".getBytes(StandardCharsets.UTF_8))),
                Verification.Reason.DIGEST_MISMATCH);
        assertThatThrownBy(() -> verifier.verify(message).orThrow()).isInstanceOf(SignatureException.class)
                .hasMessageContaining("NONCE_REUSED");
    }

    @Test
    void secretsAppearInNoMessageNoToStringAndNoSettingError() {
        VerificationKey key = VerificationKey.hmacSha256(SECRET);
        String[] texts = {key.toString(), clientKey.toString(), verifier.toString(),
                HttpMessageSigner.builder(clientKey).build().toString(),
                KeyResolver.fromProperties(Map.of("idempotency.signature.keys.k", "hmac-sha256:" + SECRET_B64)).toString()};
        for (String text : texts) {
            assertThat(text).doesNotContain(SECRET_B64).doesNotContain(new String(SECRET, StandardCharsets.UTF_8));
        }
        List<String> messages = new ArrayList<>();
        SignedRequest r = signed();
        for (UnaryOperator<SignedRequest> attack : List.<UnaryOperator<SignedRequest>>of(
                x -> with(x, "Idempotency-Key", "\"other\""), x -> with(x, "Signature", "sig=:AAAA:"), x -> x, x -> x)) {
            Verification v = verifier.verify(attack.apply(r));
            if (v instanceof Verification.Refused refusal) {
                messages.add(refusal.message());
                messages.add(new SignatureException(refusal).getMessage());
            }
        }
        assertThat(messages).isNotEmpty().allSatisfy(m -> assertThat(m).doesNotContain(SECRET_B64));
        String broken = "hmac-sha256:" + SECRET_B64.substring(0, 10) + "!!" + SECRET_B64.substring(10);
        assertThatThrownBy(() -> KeyResolver.fromProperties(Map.of("idempotency.signature.keys.k", broken)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idempotency.signature.keys.k")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET_B64.substring(0, 10)));
        assertThatThrownBy(() -> SigningKey.parse("k", "hmac-sha256:" + "%%%" + SECRET_B64))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET_B64));
    }

    @Test
    void badSettingsAreNamed() {
        assertThatThrownBy(() -> SignatureVerifier.builder().properties(Map.of("idempotency.signature.windw", "PT1M")))
                .hasMessageContaining("idempotency.signature.windw");
        assertThatThrownBy(() -> SignatureVerifier.builder().properties(Map.of("idempotency.signature.window", "120")))
                .hasMessageContaining("idempotency.signature.window").hasMessageContaining("120");
        assertThat(SignatureVerifier.builder().keys(id -> List.of()).properties(Map.of("idempotency.signature.window",
                "2m")).build().window()).isEqualTo(Duration.ofMinutes(2));
        assertThat(SignatureVerifier.builder().keys(id -> List.of()).properties(Map.of("idempotency.signature.window",
                "PT90S")).build().window()).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> SignatureVerifier.builder().properties(Map.of("idempotency.signature.window", "500ms")))
                .hasMessageContaining("PT0.5S");
        assertThatThrownBy(() -> SignatureVerifier.builder().window(Duration.ofMillis(1500)))
                .hasMessageContaining("PT1.5S");
        assertThatThrownBy(() -> SignatureVerifier.builder().properties(Map.of("idempotency.signature.legacy", "sha1")))
                .hasMessageContaining("sha1");
        assertThatThrownBy(() -> SignatureVerifier.builder().build()).hasMessageContaining("keys");
    }
}
