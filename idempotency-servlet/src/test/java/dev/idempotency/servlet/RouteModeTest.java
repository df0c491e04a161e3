package dev.idempotency.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.core.IdempotencyRuntime;
import dev.idempotency.memory.MemoryStore;
import dev.idempotency.servlet.IdempotencyFilterTest.RawResponse;
import dev.idempotency.testkit.ControllableStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
 * Route mode over real sockets on Tomcat and Jetty: an application with no annotation, whose routes the filter makes
 * idempotent; every test counts how often the application ran.
 */
class RouteModeTest {

    private static final String KEY = "Idempotency-Key";
    private static final String REPLAYED = "Idempotent-Replayed";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Map<Container, Container.Running> SERVERS = new EnumMap<>(Container.class);
    private static IdempotencyRuntime runtime;
    private static ControllableStore store;

    @BeforeAll
    static void startServers() throws Exception {
        store = new ControllableStore(new MemoryStore(Clock.systemUTC(), 10_000));
        runtime = IdempotencyRuntime.create(IdempotencyConfig.builder().store(store).build());
        for (Container container : Container.values()) {
            SERVERS.put(container, container.start(new RouteApp(runtime), 32));
        }
    }

    @AfterAll
    static void stopServers() {
        for (Container.Running server : SERVERS.values()) {
            server.close();
        }
        runtime.close();
    }

    @BeforeEach
    void count() {
        RouteApp.RUNS.set(0);
    }

    @AfterEach
    void release() {
        RouteApp.release.countDown();
        store.down = false;
    }

    static String newKey() {
        return UUID.randomUUID().toString();
    }

    static HttpRequest request(URI uri, String method, byte[] body, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder.build();
    }

    private static HttpResponse<byte[]> send(Container container, String method, String path, String body,
                                             String... headers) throws Exception {
        return send(container, method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8), headers);
    }

    private static HttpResponse<byte[]> send(Container container, String method, String path, byte[] body,
                                             String... headers) throws Exception {
        return CLIENT.send(request(SERVERS.get(container).uri(path), method, body, headers),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<byte[]> post(Container container, String path, String body, String... headers)
            throws Exception {
        return send(container, "POST", path, body, headers);
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private static JsonNode problem(HttpResponse<byte[]> response, int status) throws IOException {
        assertThat(response.statusCode()).as("status; body %s", text(response)).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("namespace").asText()).startsWith("http:POST /api/**");
        return body;
    }

    /** Asserts that the replay is the first answer, byte for byte, status and recorded headers, marked. */
    private static void assertReplayOf(HttpResponse<byte[]> replay, HttpResponse<byte[]> first, String... headers) {
        assertThat(first.headers().firstValue(REPLAYED)).isEmpty();
        assertThat(replay.headers().firstValue(REPLAYED)).hasValue("true");
        assertThat(replay.statusCode()).isEqualTo(first.statusCode());
        assertThat(replay.body()).as("body, byte for byte").isEqualTo(first.body());
        for (String name : headers) {
            assertThat(replay.headers().allValues(name)).as(name).isEqualTo(first.headers().allValues(name))
                    .isNotEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aCreatedResourceIsReplayedByteForByteWith201LocationAndTheApplicationsHeaders(Container container)
            throws Exception {
        String key = newKey();
        HttpResponse<byte[]> first = post(container, "/api/orders", "{\"amount\":\"10.00\"}", KEY, key);
        HttpResponse<byte[]> replay = post(container, "/api/orders", "{\"amount\":\"10.00\"}", KEY, key);

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(text(first)).isEqualTo("{\"order\":1,\"amount\":10.00}");
        assertThat(first.headers().allValues("Set-Cookie")).hasSize(1);
        assertReplayOf(replay, first, "Location", "ETag", "Cache-Control", "Content-Type", "X-App",
                "Content-Length");
        assertThat(replay.headers().allValues("X-App")).containsExactly("a", "b");
        assertThat(replay.headers().allValues("Set-Cookie")).as("a session of the first caller").isEmpty();
        assertThat(RouteApp.RUNS).hasValue(1);

        // PUT /api/orders/* is a route of its own
        HttpResponse<byte[]> put = send(container, "PUT", "/api/orders/7", "{\"amount\":\"3\"}", KEY, key);
        HttpResponse<byte[]> putAgain = send(container, "PUT", "/api/orders/7", "{\"amount\":\"3\"}", KEY, key);
        assertThat(put.statusCode()).isEqualTo(200);
        assertReplayOf(putAgain, put, "Location");
        assertThat(RouteApp.RUNS).hasValue(2);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void sixteenConcurrentIdenticalRequestsRunOnceTheOthersAre409WithRetryAfter(Container container)
            throws Exception {
        String key = newKey();
        RouteApp.entered = new CountDownLatch(1);
        RouteApp.release = new CountDownLatch(1);
        CountDownLatch answered = new CountDownLatch(15);
        List<CompletableFuture<HttpResponse<byte[]>>> responses = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            responses.add(CLIENT.sendAsync(request(SERVERS.get(container).uri("/api/held"), "POST",
                    "pay 10".getBytes(StandardCharsets.UTF_8), KEY, key), HttpResponse.BodyHandlers.ofByteArray())
                    .whenComplete((r, e) -> answered.countDown()));
        }
        assertThat(RouteApp.entered.await(30, TimeUnit.SECONDS)).as("one request reached the application").isTrue();
        assertThat(answered.await(30, TimeUnit.SECONDS)).as("15 answered while the first is held").isTrue();
        RouteApp.release.countDown();

        List<HttpResponse<byte[]>> created = new ArrayList<>();
        int conflicts = 0;
        for (CompletableFuture<HttpResponse<byte[]>> future : responses) {
            HttpResponse<byte[]> response = future.get(30, TimeUnit.SECONDS);
            if (response.statusCode() == 409) {
                conflicts++;
                problem(response, 409);
                assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
            } else {
                assertThat(response.statusCode()).as(text(response)).isEqualTo(201);
                created.add(response);
            }
        }
        assertThat(created).hasSize(1);
        assertThat(conflicts).isEqualTo(15);
        assertThat(RouteApp.RUNS).hasValue(1);

        HttpResponse<byte[]> retry = post(container, "/api/held", "pay 10", KEY, key);
        assertReplayOf(retry, created.get(0), "Location");
        assertThat(RouteApp.RUNS).hasValue(1);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aQuotedAndAnUnquotedKeyAreOneKey(Container container) throws Exception {
        String key = newKey();
        HttpResponse<byte[]> quoted = post(container, "/api/stream", "a", KEY, "\"" + key + "\"");
        HttpResponse<byte[]> bare = post(container, "/api/stream", "a", KEY, key);
        assertReplayOf(bare, quoted);
        assertThat(RouteApp.RUNS).hasValue(1);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void noKeyTwoKeysAndMalformedKeysAre400AndNothingRuns(Container container) throws Exception {
        String key = newKey();
        problem(post(container, "/api/stream", "a"), 400);
        problem(post(container, "/api/stream", "a", KEY, key, KEY, key), 400);
        problem(post(container, "/api/stream", "a", KEY, key, "idempotency-key", key + "x"), 400);
        problem(post(container, "/api/stream", "a", KEY, "\"unterminated"), 400);
        problem(post(container, "/api/stream", "a", KEY, "key\tone"), 400);
        problem(post(container, "/api/stream", "a", KEY, "x".repeat(256)), 400);
        problem(post(container, "/api/stream", "a", KEY, "\"\""), 400);
        for (String bad : List.of("caf\u00c3\u00a9", "\"caf\u00c3\u00a9\"", "caf\u00e9", "key\tone", "\"key\tone\"")) {
            RawResponse raw = RawResponse.post(SERVERS.get(container), "/api/stream", KEY,
                    bad.getBytes(StandardCharsets.ISO_8859_1), "a");
            assertThat(raw.status()).as("%s for %s", raw, bad).isEqualTo(400);
            assertThat(raw.text()).containsIgnoringCase("Content-Type: application/problem+json");
        }
        for (String bad : List.of("key\u0001one", "key\u007fone")) {
            // refused by the server's own parser, before any filter
            RawResponse raw = RawResponse.post(SERVERS.get(container), "/api/stream", KEY,
                    bad.getBytes(StandardCharsets.ISO_8859_1), "a");
            assertThat(raw.status()).as("%s for %s", raw, bad).isEqualTo(400);
        }
        assertThat(RouteApp.RUNS).hasValue(0);

        HttpResponse<byte[]> longest = post(container, "/api/stream", "a", KEY, (key + "x".repeat(255)).substring(0, 255));
        assertThat(longest.statusCode()).isEqualTo(200);
        assertThat(RouteApp.RUNS).hasValue(1);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aBodyOverMaxBodySizeIs413AndNothingRuns(Container container) throws Exception {
        byte[] big = new byte[2 * 1024 * 1024];
        Arrays.fill(big, (byte) 'x');
        HttpResponse<byte[]> response = send(container, "POST", "/api/stream", big, KEY, newKey());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(JSON.readTree(response.body()).path("status").asInt()).isEqualTo(413);
        assertThat(RouteApp.RUNS).hasValue(0);

        byte[] atTheLimit = Arrays.copyOf(big, 1024 * 1024);
        assertThat(send(container, "POST", "/api/stream", atTheLimit, KEY, newKey()).statusCode()).isEqualTo(200);
        assertThat(RouteApp.RUNS).hasValue(1);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aServerErrorGivesTheKeyUpAndTheRetryRunsAgain(Container container) throws Exception {
        String key = newKey();
        HttpResponse<byte[]> first = post(container, "/api/fail", "x", KEY, key);
        HttpResponse<byte[]> retry = post(container, "/api/fail", "x", KEY, key);

        assertThat(first.statusCode()).isEqualTo(503);
        assertThat(text(first)).isEqualTo("down, run #1");
        assertThat(retry.statusCode()).isEqualTo(503);
        assertThat(text(retry)).isEqualTo("down, run #2");
        assertThat(retry.headers().firstValue(REPLAYED)).isEmpty();
        assertThat(RouteApp.RUNS).hasValue(2);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void withReleaseOn5xxFalseAServerErrorIsRecordedAndReplayed(Container container) throws Exception {
        String key = newKey();
        HttpResponse<byte[]> first = post(container, "/keep/fail", "x", KEY, key);
        HttpResponse<byte[]> replay = post(container, "/keep/fail", "x", KEY, key);

        assertThat(first.statusCode()).isEqualTo(503);
        assertReplayOf(replay, first, "Content-Type");
        assertThat(RouteApp.RUNS).hasValue(1);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aThrownExceptionGivesTheKeyUp(Container container) throws Exception {
        String key = newKey();
        HttpResponse<byte[]> first = post(container, "/api/throw", "x", KEY, key);
        HttpResponse<byte[]> retry = post(container, "/api/throw", "x", KEY, key);

        assertThat(first.statusCode()).isEqualTo(500);
        assertThat(retry.statusCode()).isEqualTo(500);
        assertThat(retry.headers().firstValue(REPLAYED)).isEmpty();
        assertThat(RouteApp.RUNS).hasValue(2);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void clientErrorsAreRecordedAndReplayedAlsoFromSendErrorAndRedirects(Container container) throws Exception {
        String key = newKey();
        HttpResponse<byte[]> invalid = post(container, "/api/invalid", "x", KEY, key);
        HttpResponse<byte[]> invalidAgain = post(container, "/api/invalid", "x", KEY, key);
        assertThat(invalid.statusCode()).isEqualTo(422);
        assertReplayOf(invalidAgain, invalid, "Content-Type");

        String other = newKey();
        HttpResponse<byte[]> missing = post(container, "/api/missing", "x", KEY, other);
        HttpResponse<byte[]> missingAgain = post(container, "/api/missing", "x", KEY, other);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(text(missing)).contains("no such thing, run #2");
        assertReplayOf(missingAgain, missing);

        String third = newKey();
        HttpResponse<byte[]> redirect = post(container, "/api/redirect", "x", KEY, third);
        HttpResponse<byte[]> redirectAgain = post(container, "/api/redirect", "x", KEY, third);
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("Location")).hasValue("/api/orders/3");
        assertReplayOf(redirectAgain, redirect, "Location");
        assertThat(RouteApp.RUNS).hasValue(3);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void theSameKeyWithAnotherBodyPathOrQueryIs422(Container container) throws Exception {
        String key = newKey();
        assertThat(post(container, "/api/orders", "{\"amount\":\"10.00\"}", KEY, key).statusCode()).isEqualTo(201);
        problem(post(container, "/api/orders", "{\"amount\":\"99.00\"}", KEY, key), 422);
        problem(post(container, "/api/orders?dryRun=true", "{\"amount\":\"10.00\"}", KEY, key), 422);
        problem(post(container, "/api/stream", "{\"amount\":\"10.00\"}", KEY, key), 422); // same route, POST /api/**
        assertThat(RouteApp.RUNS).hasValue(1);
        // another route is another namespace: the key is free there
        assertThat(send(container, "PUT", "/api/orders/7", "{\"amount\":\"10.00\"}", KEY, key).statusCode())
                .isEqualTo(200);
        assertThat(RouteApp.RUNS).hasValue(2);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aStoreThatIsDownIs503WithRetryAfterAndNothingRuns(Container container) throws Exception {
        String key = newKey();
        store.down = true;
        HttpResponse<byte[]> down = post(container, "/api/orders", "{\"amount\":\"1\"}", KEY, key);
        store.down = false;

        assertThat(problem(down, 503).path("detail").asText()).doesNotContain("memory");
        assertThat(down.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(RouteApp.RUNS).hasValue(0);
        assertThat(post(container, "/api/orders", "{\"amount\":\"1\"}", KEY, key).statusCode()).isEqualTo(201);
        assertThat(RouteApp.RUNS).hasValue(1);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aRequestNotOnARouteIsUntouched(Container container) throws Exception {
        String key = newKey();
        HttpResponse<byte[]> first = send(container, "GET", "/api/orders", (byte[]) null, KEY, key);
        HttpResponse<byte[]> second = send(container, "GET", "/api/orders", (byte[]) null, KEY, key);
        HttpResponse<byte[]> noKey = send(container, "GET", "/api/orders", (byte[]) null);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(text(first)).isEqualTo("{\"run\":1}");
        assertThat(text(second)).isEqualTo("{\"run\":2}");
        assertThat(second.headers().firstValue(REPLAYED)).isEmpty();
        assertThat(noKey.statusCode()).isEqualTo(200);
        assertThat(RouteApp.RUNS).hasValue(3);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void theApplicationStillReadsTheBodyAsStreamReaderOrFormParameters(Container container) throws Exception {
        assertThat(text(post(container, "/api/stream", "Grüße", KEY, newKey()))).isEqualTo("stream:Grüße #1");
        assertThat(text(post(container, "/api/reader", "Grüße", KEY, newKey(),
                "Content-Type", "text/plain;charset=UTF-8"))).isEqualTo("reader:Grüße #2");
        String key = newKey();
        HttpResponse<byte[]> form = post(container, "/api/form?tag=q", "amount=10.00&currency=%E2%82%AC&tag=b",
                KEY, key, "Content-Type", "application/x-www-form-urlencoded");
        assertThat(text(form)).isEqualTo("form:10.00,€,q+b #3");
        assertReplayOf(post(container, "/api/form?tag=q", "amount=10.00&currency=%E2%82%AC&tag=b", KEY, key,
                "Content-Type", "application/x-www-form-urlencoded"), form, "Content-Type");
        assertThat(RouteApp.RUNS).hasValue(3);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aResponseWrittenThroughTheWriterIsReplayedByteForByteInItsCharset(Container container) throws Exception {
        String key = newKey();
        HttpResponse<byte[]> first = post(container, "/api/writer", "x", KEY, key);
        HttpResponse<byte[]> replay = post(container, "/api/writer", "x", KEY, key);
        assertThat(first.body()).isEqualTo("Grüße, 東京, € #1".getBytes(StandardCharsets.UTF_8));
        assertReplayOf(replay, first, "Content-Type");

        String other = newKey();
        HttpResponse<byte[]> latin1 = post(container, "/api/latin1", "x", KEY, other);
        assertThat(latin1.body()).isEqualTo("Grüße #2".getBytes(StandardCharsets.ISO_8859_1));
        assertReplayOf(post(container, "/api/latin1", "x", KEY, other), latin1, "Content-Type");
        assertThat(RouteApp.RUNS).hasValue(2);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void twoUsersWithTheSameKeyAreTwoRequestsAndAnonymousIsAThird(Container container) throws Exception {
        String key = newKey();
        HttpResponse<byte[]> alice = post(container, "/api/whoami", "x", KEY, key, TestApp.USER_HEADER, "alice");
        HttpResponse<byte[]> bob = post(container, "/api/whoami", "x", KEY, key, TestApp.USER_HEADER, "bob");
        HttpResponse<byte[]> anonymous = post(container, "/api/whoami", "x", KEY, key);
        HttpResponse<byte[]> aliceAgain = post(container, "/api/whoami", "x", KEY, key, TestApp.USER_HEADER, "alice");

        assertThat(text(alice)).isEqualTo("alice #1");
        assertThat(text(bob)).isEqualTo("bob #2");
        assertThat(text(anonymous)).isEqualTo("null #3");
        assertReplayOf(aliceAgain, alice);
        assertThat(RouteApp.RUNS).hasValue(3);

        // a key of the full 255 characters still fits once scoped by its user
        String longest = (key + "y".repeat(255)).substring(0, 255);
        HttpResponse<byte[]> carol = post(container, "/api/whoami", "x", KEY, longest, TestApp.USER_HEADER, "carol");
        HttpResponse<byte[]> carolAgain = post(container, "/api/whoami", "x", KEY, longest, TestApp.USER_HEADER,
                "carol");
        assertThat(text(carol)).isEqualTo("carol #4");
        assertReplayOf(carolAgain, carol);
        assertThat(RouteApp.RUNS).hasValue(4);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void theKeyHeaderCanBeAnother(Container container) throws Exception {
        String key = newKey();
        HttpResponse<byte[]> first = post(container, "/custom/stream", "a", "X-Request-Key", key);
        HttpResponse<byte[]> replay = post(container, "/custom/stream", "a", "X-Request-Key", key);
        assertReplayOf(replay, first);
        HttpResponse<byte[]> standardHeaderOnly = post(container, "/custom/stream", "a", KEY, key);
        assertThat(standardHeaderOnly.statusCode()).isEqualTo(400);
        assertThat(RouteApp.RUNS).hasValue(1);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void aResponseOverMaxBodySizeGoesOutLiveAndIsNotRecorded(Container container) throws Exception {
        String key = newKey();
        List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("dev.idempotency.servlet");
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    warnings.add(record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(handler);
        HttpResponse<byte[]> first;
        HttpResponse<byte[]> second;
        try {
            first = post(container, "/api/big", "x", KEY, key);
            second = post(container, "/api/big", "x", KEY, key);
        } finally {
            log.removeHandler(handler);
        }
        assertThat(warnings).hasSize(2).allSatisfy(warning -> assertThat(warning).contains("route POST /api/**")
                .contains("maxBodySize"));

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).hasSize(2 * 1024 * 1024).startsWith((byte) '1');
        assertThat(second.body()).hasSize(2 * 1024 * 1024).startsWith((byte) '2');
        assertThat(second.headers().firstValue(REPLAYED)).isEmpty();
        assertThat(RouteApp.RUNS).hasValue(2);
    }

    @ParameterizedTest
    @EnumSource(Container.class)
    void anAsynchronousResponseGoesOutLiveAndIsNotRecorded(Container container) throws Exception {
        String key = newKey();
        HttpResponse<byte[]> first = post(container, "/api/async", "x", KEY, key);
        HttpResponse<byte[]> second = post(container, "/api/async", "x", KEY, key);

        assertThat(text(first)).isEqualTo("async #1");
        assertThat(text(second)).isEqualTo("async #2");
        assertThat(RouteApp.RUNS).hasValue(2);
    }
}
