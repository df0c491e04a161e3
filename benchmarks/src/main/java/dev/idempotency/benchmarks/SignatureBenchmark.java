package dev.idempotency.benchmarks;

import dev.idempotency.signature.HttpMessageSigner;
import dev.idempotency.signature.KeyResolver;
import dev.idempotency.signature.SignatureVerifier;
import dev.idempotency.signature.SignedRequest;
import dev.idempotency.signature.SigningKey;
import dev.idempotency.signature.Verification;
import dev.idempotency.signature.VerificationKey;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Verifying a signed 1 KB request against its floor, in the same run.
 *
 * <ul>
 *   <li>{@code floor_hmacSha256}: HMAC-SHA256 of the 1 KB body with a ready {@code Mac}: the least any check of a
 *       message this size with this algorithm can cost.</li>
 *   <li>{@code verify_hmacSha256}: {@link SignatureVerifier#verify} of a request signed with hmac-sha256 covering
 *       {@code @method}, {@code @target-uri}, {@code content-type}, {@code content-digest} and
 *       {@code idempotency-key}: both headers parsed, the coverage and window checked, the signature base built and
 *       its HMAC compared, the body's SHA-256 compared with {@code Content-Digest}, the nonce claimed in the
 *       in-memory registry.</li>
 *   <li>{@code part_verifyWithoutNonceClaim}: the same, always on one request and with a registry that accepts
 *       every nonce, to show what the claim (and a new request's data coming from memory) adds.</li>
 * </ul>
 *
 * <p>Each verification needs a nonce not seen before, so the requests are signed before the run (a ring of 4,096,
 * whose 2 MB stay in cache as a server's freshly parsed headers do) and the verifier starts over with a new, empty
 * registry whenever the ring wraps: a registry of up to 4,096 nonces, the growth of its map included. The teardown fails the run if any verification in it was refused, so a figure is never that of the
 * cheaper refusal path.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@State(Scope.Thread)
public class SignatureBenchmark {

    private static final int RING = 1 << 12;
    private static final byte[] SECRET = "benchmark shared secret, 32 byte".getBytes(StandardCharsets.UTF_8);
    private static final URI URL = URI.create("https://pay.example/transfers?currency=EUR");

    private byte[] body;
    private Mac mac;
    private SignedRequest[] requests;
    private SignatureVerifier verifier;
    private int next;
    private int refused;

    /** A request with fixed fields and this attempt's signature, without per-request map copies. */
    private record Request(String digest, String input, String signature, byte[] body) implements SignedRequest {
        @Override
        public String method() {
            return "POST";
        }

        @Override
        public URI targetUri() {
            return URL;
        }

        @Override
        public List<String> headerValues(String name) {
            return switch (name.toLowerCase(java.util.Locale.ROOT)) {
                case "content-type" -> List.of("application/json");
                case "idempotency-key" -> List.of("\"018f3c1e-7b2a-7c3d-9e4f-0123456789ab\"");
                case "content-digest" -> digest == null ? List.of() : List.of(digest);
                case "signature-input" -> input == null ? List.of() : List.of(input);
                case "signature" -> signature == null ? List.of() : List.of(signature);
                default -> List.of();
            };
        }
    }

    @Setup(Level.Trial)
    public void signRequests() throws Exception {
        StringBuilder json = new StringBuilder("{\"from\":\"DE89370400440532013000\",\"to\":\"FR1420041010050500013M02606\"");
        for (int i = 0; json.length() < 1000; i++) {
            json.append(",\"note").append(i).append("\":\"transfer reference ").append(i).append('"');
        }
        while (json.length() < 1023) {
            json.append(' ');
        }
        body = json.append('}').toString().getBytes(StandardCharsets.UTF_8);
        mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
        HttpMessageSigner signer = HttpMessageSigner.builder(SigningKey.hmacSha256("client-1", SECRET)).build();
        SignedRequest unsigned = new Request(null, null, null, body);
        requests = new SignedRequest[RING];
        for (int i = 0; i < RING; i++) {
            Map<String, String> fields = signer.sign(unsigned);
            requests[i] = new Request(fields.get("Content-Digest"), fields.get("Signature-Input"), fields.get("Signature"),
                    body);
        }
    }

    private KeyResolver keys;

    @Setup(Level.Iteration)
    public void freshVerifier() {
        keys = KeyResolver.of(Map.of("client-1", List.of(VerificationKey.hmacSha256(SECRET))));
        verifier = SignatureVerifier.builder().keys(keys).build();
        next = 0;
    }

    @TearDown(Level.Iteration)
    public void check() {
        if (refused > 0) {
            // a ring too small for the iteration shows up here too: a request verified twice is a replay
            throw new IllegalStateException(refused + " verifications refused");
        }
    }

    private SignatureVerifier noNonceClaim;

    @Setup(Level.Trial)
    public void verifierWithoutNonceClaim() {
        noNonceClaim = SignatureVerifier.builder()
                .keys(KeyResolver.of(Map.of("client-1", List.of(VerificationKey.hmacSha256(SECRET)))))
                .nonces((keyId, nonce, ttl) -> true).build();
    }

    /** The same work without the nonce claim, on one request (its data stays in cache): what the registry adds. */
    @Benchmark
    public Verification part_verifyWithoutNonceClaim() {
        return noNonceClaim.verify(requests[0]);
    }

    private dev.idempotency.signature.NonceRegistry registry;
    private String[] nonces;

    @Setup(Level.Iteration)
    public void freshRegistry() {
        registry = dev.idempotency.signature.NonceRegistry.inMemory(java.time.Clock.systemUTC());
        if (nonces == null) {
            nonces = new String[RING];
            for (int i = 0; i < RING; i++) {
                nonces[i] = java.util.UUID.randomUUID().toString().substring(0, 22);
            }
        }
    }

    @Benchmark
    public boolean part_nonceClaim() {
        int i = next++ & (RING - 1);
        if (i == 0) {
            registry = dev.idempotency.signature.NonceRegistry.inMemory(java.time.Clock.systemUTC());
        }
        return registry.claimOnce("client-1", nonces[i], java.time.Duration.ofSeconds(240));
    }

    @Benchmark
    public Verification part_verifyRingWithoutNonceClaim() {
        return noNonceClaim.verify(requests[next++ & (RING - 1)]);
    }

    @Benchmark
    public byte[] floor_hmacSha256() {
        return mac.doFinal(body);
    }

    @Benchmark
    public Verification verify_hmacSha256() {
        int i = next++ & (RING - 1);
        if (i == 0) {
            verifier = SignatureVerifier.builder().keys(keys).build();
        }
        Verification v = verifier.verify(requests[i]);
        if (!(v instanceof Verification.Verified)) {
            refused++;
        }
        return v;
    }
}
