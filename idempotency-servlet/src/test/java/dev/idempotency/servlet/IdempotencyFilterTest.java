package dev.idempotency.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.memory.MemoryStore;
import dev.idempotency.servlet.TestApp.Payments;
import dev.idempotency.testkit.ControllableStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The filter over real sockets, on a real Tomcat and a real Jetty: every test runs on both, and counts how often the
 * service ran.
 */
class IdempotencyFilterTest {

    private static final String KEY = "Idempotency-Key";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Map<Container, Container.Running> SERVERS = new EnumMap<>(Container.class);

    private ControllableStore store;

    @BeforeAll
    static void startServers() throws Exception {
        for (Container container : Container.values()) {
            SERVERS.put(container, container.start(new TestApp(), 32));
        }
    }

    @AfterAll
    static void stopServers() throws Exception {
        for (Container.Running server : SERVERS.values()) {
            server.close();
        }
    }

    @BeforeEach
    void runtime() {
        store = new ControllableStore(new MemoryStore(Clock.systemUTC(), 10_000));
        Idempotency.configure(IdempotencyConfig.builder().store(store).build());
        Payments.RUNS.set(0);
    }

    @AfterEach
    void reset() {
        Payments.release.countDown();
        Idempotency.reset();
    }

    private static String newKey() {
        return UUID.randomUUID().toString();
    }

    private static HttpRequest request(URI uri, String body, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]); // adds: a name given twice is sent twice
        }
        return builder.build();
    }

    private static HttpResponse<String> post(Container container, String path, String body, String... headers)
            throws Exception {
        return CLIENT.send(request(SERVERS.get(container).uri(path), body, headers),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Asserts an RFC 9457 body for the status and returns it. */
    private static JsonNode problem(HttpResponse<String> response, int status) throws IOException {
        assertThat(response.statusCode()).as("status; body %s", response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("type").asText()).isEqualTo("about:blank");
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("title").asText()).isNotBlank();
        assertThat(body.path("detail").asText()).isNotBlank();
        assertThat(body.path("namespace").asText()).contains("Payments").contains("pay");
        return body;
    }

    private static long retryAfter(HttpResponse<String> response) {
        return Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aReplayIsMarkedAndCarriesTheSameBodyTheFirstCallIsNot(Container container) throws Exception {
        String key = newKey();
        HttpResponse<String> first = post(container, "/api/pay", "10.00", KEY, key);
        HttpResponse<String> replay = post(container, "/api/pay", "10.00", KEY, key);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(replay.body()).isEqualTo(first.body()).isEqualTo("paid 10.00 as run #1");
        assertThat(Payments.RUNS).hasValue(1);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aQuotedAndAnUnquotedKeyAreTheSameKey(Container container) throws Exception {
        String key = newKey();
        HttpResponse<String> quoted = post(container, "/api/pay", "10.00", KEY, "\"" + key + "\"");
        HttpResponse<String> bare = post(container, "/api/pay", "10.00", KEY, key);

        assertThat(quoted.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(bare.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(bare.body()).isEqualTo(quoted.body());
        assertThat(Payments.RUNS).hasValue(1);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aMissingKeyIs400WithAProblemAndNoRetryAfter(Container container) throws Exception {
        HttpResponse<String> response = post(container, "/api/pay", "10.00");

        JsonNode body = problem(response, 400);
        assertThat(body.path("title").asText()).isEqualTo("Bad Request");
        assertThat(response.headers().firstValue("Retry-After")).isEmpty();
        assertThat(Payments.RUNS).hasValue(0);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aKeySentTwiceIs400EvenWhenBothAreEqual(Container container) throws Exception {
        String key = newKey();
        problem(post(container, "/api/pay", "10.00", KEY, key, KEY, key + "-other"), 400);
        problem(post(container, "/api/pay", "10.00", KEY, key, "idempotency-key", key), 400);
        assertThat(Payments.RUNS).hasValue(0);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aKeyWithCharactersOutsidePrintableAsciiIs400(Container container) throws Exception {
        // the JDK client refuses to send most of these, so they go over a plain socket
        List<String> reachTheFilter = List.of(
                "caf\u00c3\u00a9",        // "café" in UTF-8: Tomcat reads it as Latin-1, others may not
                "\"caf\u00c3\u00a9\"",    // the same, quoted
                "caf\u00e9",              // "café" in Latin-1
                "key\tone",               // a tab is a legal header byte, not a legal key character
                "\"key\tone\"");
        for (String key : reachTheFilter) {
            RawResponse response = RawResponse.post(SERVERS.get(container), "/api/pay", KEY,
                    key.getBytes(StandardCharsets.ISO_8859_1), "10.00");
            assertThat(response.status).as("%s for %s", response, key).isEqualTo(400);
            assertThat(response.text).as(key).containsIgnoringCase("Content-Type: application/problem+json");
        }
        for (String key : List.of("key\u0001one", "key\u007fone", "key\u0000one")) {
            // refused by the server's own parser, before any filter
            RawResponse response = RawResponse.post(SERVERS.get(container), "/api/pay", KEY,
                    key.getBytes(StandardCharsets.ISO_8859_1), "10.00");
            assertThat(response.status).as("%s for %s", response, key).isEqualTo(400);
        }
        problem(post(container, "/api/pay", "10.00", KEY, "key\tone"), 400);
        assertThat(Payments.RUNS).hasValue(0);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void theSameKeyWithAnotherBodyIs422(Container container) throws Exception {
        String key = newKey();
        HttpResponse<String> first = post(container, "/api/pay", "10.00", KEY, key);
        HttpResponse<String> other = post(container, "/api/pay", "99.00", KEY, key);

        assertThat(first.statusCode()).isEqualTo(200);
        JsonNode body = problem(other, 422);
        assertThat(body.path("detail").asText()).doesNotContain(key);
        assertThat(other.headers().firstValue("Retry-After")).isEmpty();
        assertThat(other.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(Payments.RUNS).hasValue(1);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void sixteenConcurrentRequestsRunOnceAndTheOthersAre409WithRetryAfter(Container container) throws Exception {
        String key = newKey();
        Payments.entered = new CountDownLatch(1);
        Payments.release = new CountDownLatch(1);
        CountDownLatch refused = new CountDownLatch(15);
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            responses.add(CLIENT.sendAsync(request(SERVERS.get(container).uri("/api/pay-held"), "10.00", KEY, key),
                    HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> refused.countDown()));
        }
        assertThat(Payments.entered.await(30, TimeUnit.SECONDS)).as("one call entered the service").isTrue();
        assertThat(refused.await(30, TimeUnit.SECONDS)).as("15 answered while the first is held").isTrue();
        Payments.release.countDown();

        List<HttpResponse<String>> ok = new ArrayList<>();
        List<HttpResponse<String>> conflicts = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> future : responses) {
            HttpResponse<String> response = future.get(30, TimeUnit.SECONDS);
            (response.statusCode() == 200 ? ok : conflicts).add(response);
        }
        assertThat(ok).hasSize(1);
        assertThat(conflicts).hasSize(15);
        for (HttpResponse<String> conflict : conflicts) {
            assertThat(problem(conflict, 409).path("title").asText()).isEqualTo("Conflict");
            assertThat(retryAfter(conflict)).isGreaterThanOrEqualTo(1);
        }
        assertThat(Payments.RUNS).hasValue(1);

        HttpResponse<String> retry = post(container, "/api/pay-held", "10.00", KEY, key);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(retry.body()).isEqualTo(ok.get(0).body());
        assertThat(Payments.RUNS).hasValue(1);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aStoreThatIsDownOrAnswersWronglyIs503WithRetryAfterAndNoInternals(Container container) throws Exception {
        String key = newKey();
        store.down = true;
        HttpResponse<String> down = post(container, "/api/pay", "10.00", KEY, key);
        store.down = false;
        store.answersWrongly = true;
        HttpResponse<String> wrong = post(container, "/api/pay", "10.00", KEY, key);

        for (HttpResponse<String> response : List.of(down, wrong)) {
            JsonNode body = problem(response, 503);
            assertThat(retryAfter(response)).isGreaterThanOrEqualTo(1);
            assertThat(response.body()).doesNotContain("test store").doesNotContain(key);
            assertThat(body.path("detail").asText()).contains("retry");
        }
        assertThat(Payments.RUNS).hasValue(0);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aKeyScopedByPrincipalIsPerCaller(Container container) throws Exception {
        String key = newKey();
        HttpResponse<String> alice = post(container, "/api/pay-as-caller", "10.00", KEY, key, TestApp.USER_HEADER, "alice");
        HttpResponse<String> bob = post(container, "/api/pay-as-caller", "10.00", KEY, key, TestApp.USER_HEADER, "bob");
        HttpResponse<String> aliceAgain = post(container, "/api/pay-as-caller", "10.00", KEY, key,
                TestApp.USER_HEADER, "alice");
        HttpResponse<String> anonymous = post(container, "/api/pay-as-caller", "10.00", KEY, key);

        assertThat(alice.body()).isEqualTo("paid 10.00 as run #1");
        assertThat(bob.body()).as("another caller's key").isEqualTo("paid 10.00 as run #2");
        assertThat(bob.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(aliceAgain.body()).isEqualTo(alice.body());
        assertThat(aliceAgain.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        problem(anonymous, 400);
        assertThat(Payments.RUNS).hasValue(2);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aRefusalWrappedByTheApplicationIsStillAnswered(Container container) throws Exception {
        String key = newKey();
        problem(post(container, "/api/wrapped", "10.00"), 400);
        assertThat(post(container, "/api/wrapped", "10.00", KEY, key).statusCode()).isEqualTo(200);
        problem(post(container, "/api/wrapped", "99.00", KEY, key), 422);
        assertThat(Payments.RUNS).hasValue(1);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aCommittedResponseIsNotRewritten(Container container) throws Exception {
        HttpResponse<InputStream> response = CLIENT.send(
                request(SERVERS.get(container).uri("/api/commit-then-pay"), "10.00"),
                HttpResponse.BodyHandlers.ofInputStream());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
        byte[] start = new byte[8];
        try (InputStream body = response.body()) {
            // the container may end the response cleanly or cut it off: either way, only the servlet's bytes
            int read = body.readNBytes(start, 0, start.length);
            assertThat(new String(start, 0, read, StandardCharsets.US_ASCII)).isEqualTo("partial ");
            String rest = new String(body.readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(rest).doesNotContain("about:blank");
        } catch (IOException cutOff) {
            // a container that aborts the connection after a failure on a committed response
        }
        assertThat(Payments.RUNS).hasValue(0);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aRefusalKeepsTheHeadersSetBeforeItAndDropsTheBufferedBody(Container container) throws Exception {
        HttpResponse<String> response = post(container, "/api/write-then-pay", "10.00");

        problem(response, 400);
        assertThat(response.body()).startsWith("{").doesNotContain("partial");
        assertThat(response.headers().firstValue("X-Trace")).hasValue("t-1");
        assertThat(Payments.RUNS).hasValue(0);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aConfigurationErrorIsABugNotARefusal(Container container) throws Exception {
        HttpResponse<String> response = post(container, "/api/broken", "10.00", KEY, newKey());

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).doesNotContain("problem");
        assertThat(Payments.RUNS).hasValue(0);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void otherExceptionsPassThroughUntouched(Container container) throws Exception {
        HttpResponse<String> response = post(container, "/api/boom", "10.00", KEY, newKey());

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).doesNotContain("problem");
        assertThat(Payments.RUNS).hasValue(0);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aCallOnAnotherThreadOfAnAsyncRequestSeesNoRequestAndSaysSo(Container container) throws Exception {
        HttpResponse<String> response = post(container, "/api/async", "10.00", KEY, newKey());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("no request is bound to this thread");
        assertThat(Payments.RUNS).hasValue(0);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void theBindingEndsWithTheRequestOnAServerThreadThatIsReused(Container container) throws Exception {
        try (Container.Running server = container.start(new TestApp(), 1)) {
            String key = newKey();
            HttpResponse<String> first = CLIENT.send(request(server.uri("/api/pay"), "10.00", KEY, key),
                    HttpResponse.BodyHandlers.ofString());
            // outside the filter: a binding left behind by the first request would answer with its key
            HttpResponse<String> bare = CLIENT.send(request(server.uri("/bare/pay"), "10.00"),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> filtered = CLIENT.send(request(server.uri("/api/pay"), "10.00"),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(bare.headers().firstValue(TestApp.THREAD_HEADER)).as("the same server thread")
                    .isEqualTo(first.headers().firstValue(TestApp.THREAD_HEADER));
            assertThat(bare.headers().firstValue(TestApp.BOUND_HEADER)).as("a request bound outside the filter")
                    .hasValue("false");
            assertThat(first.headers().firstValue(TestApp.BOUND_HEADER)).hasValue("true");
            assertThat(bare.statusCode()).isEqualTo(400);
            assertThat(bare.body()).contains("refused").contains("is null");
            problem(filtered, 400);
            assertThat(Payments.RUNS).hasValue(1);
        }
    }

    /** An HTTP/1.1 exchange over a plain socket, for header bytes that the JDK client will not send. */
    record RawResponse(int status, String text) {
        static RawResponse post(Container.Running server, String path, String header, byte[] value, String body)
                throws IOException {
            URI uri = server.base();
            byte[] content = body.getBytes(StandardCharsets.US_ASCII);
            try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
                socket.setSoTimeout(30_000);
                OutputStream out = socket.getOutputStream();
                out.write(("POST " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nConnection: close\r\n"
                        + "Content-Length: " + content.length + "\r\n" + header + ": ")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(value);
                out.write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.write(content);
                out.flush();
                String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertThat(text).startsWith("HTTP/1.1 ");
                return new RawResponse(Integer.parseInt(text.substring(9, 12)), text);
            }
        }
    }
}
