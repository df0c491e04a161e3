package dev.idempotency.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.idempotency.signature.HttpMessageSigner;
import dev.idempotency.signature.KeyResolver;
import dev.idempotency.signature.LegacyScheme;
import dev.idempotency.signature.RequestSigner;
import dev.idempotency.signature.SignatureVerifier;
import dev.idempotency.signature.SignedRequest;
import dev.idempotency.signature.SigningKey;
import dev.idempotency.signature.Verification;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The signing client against a real JDK HTTP server that verifies every request with {@link SignatureVerifier}
 * (replay check included) before its scripted answer, and runs each idempotency key once.
 */
class IdempotentHttpClientSigningTest {

    private static final byte[] SECRET = "client-1 shared secret, 32 bytes!".getBytes(StandardCharsets.UTF_8);

    private HttpServer server;
    private URI uri;
    private SignatureVerifier verifier;
    private volatile List<String> script = List.of();
    private final AtomicInteger received = new AtomicInteger();
    private final AtomicInteger executions = new AtomicInteger();
    private final Map<String, String> done = new ConcurrentHashMap<>();
    private final List<String> keysSeen = new CopyOnWriteArrayList<>();
    private final List<String> signaturesSeen = new CopyOnWriteArrayList<>();
    private final List<Verification> verifications = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        verifier = SignatureVerifier.builder().properties(Map.of(
                "idempotency.signature.keys.client-1", "hmac-sha256:" + Base64.getEncoder().encodeToString(SECRET),
                "idempotency.signature.legacy", "hmac-sha256",
                "idempotency.signature.legacy.keyId", "client-1")).build();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/transfers", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/transfers?currency=EUR");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        int n = received.incrementAndGet();
        byte[] body = exchange.getRequestBody().readAllBytes();
        URI target = URI.create("http://" + exchange.getRequestHeaders().getFirst("Host") + exchange.getRequestURI());
        SignedRequest request = SignedRequest.of(exchange.getRequestMethod(), target, exchange.getRequestHeaders(), body);
        Verification verification = verifier.verify(request);
        verifications.add(verification);
        String sig = request.header("Signature") != null ? request.header("Signature") : request.header("Sign");
        signaturesSeen.add(String.valueOf(sig));
        if (verification instanceof Verification.Refused refused) {
            exchange.sendResponseHeaders(refused.httpStatus(), -1);
            exchange.close();
            return;
        }
        String key = request.header("Idempotency-Key");
        keysSeen.add(key);
        String step = n <= script.size() ? script.get(n - 1) : "run";
        if (!step.equals("run")) {
            exchange.sendResponseHeaders(Integer.parseInt(step), -1);
            exchange.close();
            return;
        }
        String record = done.computeIfAbsent(key, k -> "receipt-" + executions.incrementAndGet());
        byte[] answer = record.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(201, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
    }

    private IdempotentHttpClient.Builder client(RequestSigner signer) {
        return IdempotentHttpClient.builder().backoff(Duration.ofMillis(1), Duration.ofMillis(4)).sleeper(d -> { })
                .signer(signer);
    }

    private HttpRequest post() {
        return HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user_id\":1,\"amount\":100}")).build();
    }

    private static RequestSigner rfc9421(byte[] secret) {
        return HttpMessageSigner.builder(SigningKey.hmacSha256("client-1", secret)).build();
    }

    @Test
    void everyAttemptIsSignedAfreshWithTheSameKeyAndTheServerAcceptsEach() throws Exception {
        script = List.of("503", "503");
        IdempotentHttpClient.Result<String> result = client(rfc9421(SECRET)).build()
                .send(post(), HttpResponse.BodyHandlers.ofString());
        assertThat(result.response().statusCode()).isEqualTo(201);
        assertThat(result.attempts()).isEqualTo(3);
        assertThat(verifications).hasSize(3).allMatch(Verification::verified);
        assertThat(signaturesSeen).doesNotHaveDuplicates();
        assertThat(keysSeen).hasSize(3).allMatch(k -> k.equals("\"" + result.key() + "\""));
        assertThat(((Verification.Verified) verifications.get(0)).coveredComponents())
                .contains("@method", "@target-uri", "content-digest", "idempotency-key");
        assertThat(executions).hasValue(1);
    }

    @Test
    void aRefusedSignatureIsNotRetried() throws Exception {
        IdempotentHttpClient.Result<String> result = client(rfc9421("not the secret".getBytes(StandardCharsets.UTF_8)))
                .build().send(post(), HttpResponse.BodyHandlers.ofString());
        assertThat(result.response().statusCode()).isEqualTo(401);
        assertThat(result.attempts()).isEqualTo(1);
        assertThat(((Verification.Refused) verifications.get(0)).reason()).isEqualTo(Verification.Reason.BAD_SIGNATURE);
        assertThat(executions).hasValue(0);
    }

    @Test
    void theLegacySchemeSignsEachAttemptWithAFreshNonceToo() throws Exception {
        script = List.of("502");
        RequestSigner legacy = LegacyScheme.hmacSha256("client-1").build()
                .signer(SigningKey.hmacSha256("client-1", SECRET), Clock.systemUTC());
        IdempotentHttpClient.Result<String> result = client(legacy).build().send(post(), HttpResponse.BodyHandlers.ofString());
        assertThat(result.response().statusCode()).isEqualTo(201);
        assertThat(result.attempts()).isEqualTo(2);
        assertThat(verifications).hasSize(2).allMatch(Verification::verified);
        assertThat(signaturesSeen).doesNotHaveDuplicates();
    }

    @Test
    void asynchronousSendsAreSignedPerAttemptAndAGetWithoutBodyToo() throws Exception {
        script = List.of("429");
        IdempotentHttpClient.Result<String> result = client(rfc9421(SECRET)).build()
                .sendAsync(post(), HttpResponse.BodyHandlers.ofString()).get(30, TimeUnit.SECONDS);
        assertThat(result.attempts()).isEqualTo(2);
        assertThat(verifications).allMatch(Verification::verified);
        IdempotentHttpClient.Result<String> get = client(rfc9421(SECRET)).build()
                .send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.response().statusCode()).isEqualTo(201);
        assertThat(((Verification.Verified) verifications.get(verifications.size() - 1)).coveredComponents())
                .doesNotContain("content-digest");
    }
}
