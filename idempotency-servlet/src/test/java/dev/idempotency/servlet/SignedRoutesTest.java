package dev.idempotency.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.core.IdempotencyRuntime;
import dev.idempotency.signature.HttpMessageSigner;
import dev.idempotency.signature.KeyResolver;
import dev.idempotency.signature.SignatureVerifier;
import dev.idempotency.signature.SignedRequest;
import dev.idempotency.signature.SigningKey;
import dev.idempotency.signature.VerificationKey;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Signature routes over real HTTP: a signed request reaches the application once; the same signed request sent again
 * (a captured one), a tampered body, a stale {@code created}, an unknown key and no signature at all are refused
 * (401, problem document with the reason and the server's time) and never reach it; other routes are untouched. The
 * nonces are claimed in the runtime's store.
 */
class SignedRoutesTest {

    private static final byte[] SECRET = "a shared secret of 32 bytes!!!!!".getBytes(StandardCharsets.US_ASCII);
    private static final AtomicInteger RUNS = new AtomicInteger();
    private final HttpClient http = HttpClient.newHttpClient();

    /** The application: {@code /pay/*} answers what it received; {@code /open/*} likewise, unsigned. */
    static final class App implements ServletContainerInitializer {
        private final IdempotencyRuntime runtime;

        App(IdempotencyRuntime runtime) {
            this.runtime = runtime;
        }

        @Override
        public void onStartup(Set<Class<?>> classes, ServletContext context) {
            SignatureVerifier verifier = SignatureVerifier.builder()
                    .keys(KeyResolver.of(Map.of("client-1", List.of(VerificationKey.hmacSha256(SECRET)))))
                    .nonces(new StoreNonces(() -> runtime)).build();
            FilterRegistration.Dynamic filter = context.addFilter("idempotency", IdempotencyFilter.builder()
                    .runtime(runtime).signatures("POST /pay/**", verifier).build());
            filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
            context.addServlet("app", new HttpServlet() {
                @Override
                protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
                    RUNS.incrementAndGet();
                    response.getWriter().write("got " + new String(request.getInputStream().readAllBytes(),
                            StandardCharsets.UTF_8));
                }
            }).addMapping("/pay/*", "/open/*");
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void signedRequestsRunOnceAndEveryOtherIsRefusedBeforeTheApplication(Container container) throws Exception {
        try (IdempotencyRuntime runtime = IdempotencyRuntime.create(IdempotencyConfig.builder().storeUri("memory:")
                .build()); Container.Running server = container.start(new App(runtime), 8)) {
            RUNS.set(0);
            URI uri = server.uri("/pay/transfer?currency=EUR");
            String body = "{\"to\":\"bob\",\"amount\":100}";
            Map<String, String> signature = sign(uri, body, Clock.systemUTC(), SECRET);

            HttpResponse<String> first = send(uri, body, signature);
            assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
            assertThat(first.body()).isEqualTo("got " + body);

            HttpResponse<String> captured = send(uri, body, signature);
            assertRefused(captured, 401, "NONCE_REUSED");

            assertRefused(send(uri, body.replace("100", "1000"), signature), 401, "DIGEST_MISMATCH");
            Map<String, String> stale = sign(uri, body, Clock.fixed(Instant.now().minusSeconds(180), ZoneOffset.UTC),
                    SECRET);
            HttpResponse<String> old = send(uri, body, stale);
            assertRefused(old, 401, "OUTSIDE_WINDOW");
            assertThat(old.body()).contains("\"serverTime\":\"");
            assertRefused(send(uri, body, sign(uri, body, Clock.systemUTC(),
                    "another secret of 32 bytes!!!!!!".getBytes(StandardCharsets.US_ASCII))), 401, "BAD_SIGNATURE");
            assertRefused(send(uri, body, Map.of()), 401, "MISSING_SIGNATURE");
            assertRefused(send(uri, body, Map.of("Signature-Input", "sig1=(", "Signature", "sig1=:AA==:")), 400,
                    "MALFORMED");
            assertThat(RUNS).as("only the first signed request ran").hasValue(1);

            HttpResponse<String> open = send(server.uri("/open/x"), body, Map.of());
            assertThat(open.statusCode()).isEqualTo(200);
            assertThat(RUNS).hasValue(2);
        }
    }

    @org.junit.jupiter.api.Test
    void fromSettings_routesAndKeysMakeTheVerifierAndRoutesWithoutAKeyAreRefusedAtStart() {
        String secret = java.util.Base64.getEncoder().encodeToString(SECRET);
        System.setProperty("idempotency.signature.routes", "POST /pay/**");
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(IdempotencyFilter::new)
                    .isInstanceOf(dev.idempotency.IdempotencyConfigurationException.class)
                    .hasMessageContaining("idempotency.signature.keys.<keyid>");
            System.setProperty("idempotency.signature.keys.client-1", "hmac-sha256:" + secret);
            System.setProperty("idempotency.signature.window", "PT1M");
            IdempotencyFilter filter = new IdempotencyFilter();
            assertThat(filter.toString()).contains("signed=[POST /pay/**]").contains("window=PT1M")
                    .doesNotContain(secret);
            System.setProperty("idempotency.signature.windw", "PT1M");
            org.assertj.core.api.Assertions.assertThatThrownBy(IdempotencyFilter::new)
                    .hasMessageContaining("idempotency.signature.windw");
        } finally {
            for (String name : List.of("routes", "keys.client-1", "window", "windw")) {
                System.clearProperty("idempotency.signature." + name);
            }
        }
    }

    private static Map<String, String> sign(URI uri, String body, Clock clock, byte[] secret) {
        HttpMessageSigner signer = HttpMessageSigner.builder(SigningKey.hmacSha256("client-1", secret)).clock(clock)
                .build();
        return signer.sign(SignedRequest.of("POST", uri, Map.of("Content-Type", List.of("application/json")),
                body.getBytes(StandardCharsets.UTF_8)));
    }

    private HttpResponse<String> send(URI uri, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertRefused(HttpResponse<String> response, int status, String reason) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(response.body()).contains("\"reason\":\"" + reason + "\"").doesNotContain("secret");
    }
}
