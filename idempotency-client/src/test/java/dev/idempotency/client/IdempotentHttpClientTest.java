package dev.idempotency.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
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
 * The client against a real HTTP server on loopback that fails in scripted ways, and that, like ours, runs a request
 * once per key and answers a repeated key from its record.
 */
class IdempotentHttpClientTest {

    private HttpServer server;
    private URI uri;
    /** What the server does with the n-th request (1-based) it receives: see {@link #handle}. */
    private volatile List<String> script = List.of();
    private final AtomicInteger received = new AtomicInteger();
    private final Map<String, String> done = new ConcurrentHashMap<>();
    private final AtomicInteger executions = new AtomicInteger();
    private final List<String> keysSeen = new CopyOnWriteArrayList<>();
    private final List<Duration> waits = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/transfers", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/transfers");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /**
     * Script steps: {@code run} (execute, answer 201, or replay the record with {@code Idempotent-Replayed}),
     * {@code lose} (execute, then drop the connection without answering: a lost response), a status with an
     * optional {@code Retry-After}, e.g. {@code 503 1}, answered without executing.
     */
    private void handle(HttpExchange exchange) throws IOException {
        int n = received.incrementAndGet();
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        keysSeen.add(key);
        exchange.getRequestBody().readAllBytes();
        String step = n <= script.size() ? script.get(n - 1) : "run";
        if (step.equals("run") || step.equals("lose")) {
            String record = done.get(key);
            boolean replay = record != null;
            if (!replay) {
                record = "receipt-" + executions.incrementAndGet();
                done.put(key, record);
            }
            if (step.equals("lose")) {
                exchange.getHttpContext().getServer(); // executed; now lose the answer
                exchange.close();
                return;
            }
            if (replay) {
                exchange.getResponseHeaders().add("Idempotent-Replayed", "true");
            }
            byte[] body = record.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(201, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
            return;
        }
        String[] parts = step.split(" ");
        if (parts.length > 1) {
            exchange.getResponseHeaders().add("Retry-After", step.substring(parts[0].length() + 1));
        }
        exchange.sendResponseHeaders(Integer.parseInt(parts[0]), -1);
        exchange.close();
    }

    private IdempotentHttpClient.Builder client() {
        return IdempotentHttpClient.builder().backoff(Duration.ofMillis(1), Duration.ofMillis(8)).sleeper(waits::add);
    }

    private HttpRequest post() {
        return HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString("{\"amount\":10}")).build();
    }

    @Test
    void aLostResponseIsRetriedWithTheSameKeyAndAnsweredFromTheRecord() throws Exception {
        script = List.of("lose");
        IdempotentHttpClient.Result<String> result = client().build().send(post(), HttpResponse.BodyHandlers.ofString());
        assertThat(result.response().statusCode()).isEqualTo(201);
        assertThat(result.response().body()).isEqualTo("receipt-1");
        assertThat(result.attempts()).isEqualTo(2);
        assertThat(result.replayed()).isTrue();
        assertThat(executions).as("the money moved once").hasValue(1);
        assertThat(keysSeen).hasSize(2).allMatch(k -> k.equals("\"" + result.key() + "\""));
        assertThat(java.util.UUID.fromString(result.key()).version()).isEqualTo(7);
    }

    @Test
    void theSameRequestTwiceGetsTwoKeysButEachAttemptOfOneKeepsItsOwn() throws Exception {
        IdempotentHttpClient client = client().build();
        String first = client.send(post(), HttpResponse.BodyHandlers.ofString()).key();
        String second = client.send(post(), HttpResponse.BodyHandlers.ofString()).key();
        assertThat(first).isNotEqualTo(second);
        assertThat(executions).hasValue(2);
    }

    @Test
    void retryAfterIsHonouredInSecondsAndAsADate() throws Exception {
        Instant now = Instant.parse("2026-12-03T12:00:00Z");
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(3).atOffset(ZoneOffset.UTC));
        script = List.of("503 1", "429 " + date);
        IdempotentHttpClient.Result<String> result = client().clock(Clock.fixed(now, ZoneOffset.UTC)).build()
                .send(post(), HttpResponse.BodyHandlers.ofString());
        assertThat(result.response().statusCode()).isEqualTo(201);
        assertThat(result.attempts()).isEqualTo(3);
        assertThat(result.replayed()).isFalse();
        assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(3));
    }

    @Test
    void inProgressAndGatewayAnswersAreRetriedWithJitteredExponentialBackoff() throws Exception {
        script = List.of("409", "502", "504", "409");
        IdempotentHttpClient.Result<String> result = client().maxAttempts(6).build()
                .send(post(), HttpResponse.BodyHandlers.ofString());
        assertThat(result.response().statusCode()).isEqualTo(201);
        assertThat(result.attempts()).isEqualTo(5);
        assertThat(waits).hasSize(4);
        long[] ceilings = {1, 2, 4, 8};
        for (int i = 0; i < waits.size(); i++) {
            assertThat(waits.get(i).toMillis()).as("wait %d", i).isBetween(0L, ceilings[i]);
        }
    }

    @Test
    void answersThatWillNotChangeAreNeverRetried() throws Exception {
        for (String status : new String[] {"400", "401", "403", "404", "422", "500"}) {
            received.set(0);
            script = List.of(status);
            IdempotentHttpClient.Result<String> result = client().build().send(post(), HttpResponse.BodyHandlers.ofString());
            assertThat(result.response().statusCode()).as(status).isEqualTo(Integer.parseInt(status));
            assertThat(result.attempts()).as(status).isEqualTo(1);
        }
        assertThat(waits).isEmpty();
    }

    @Test
    void theBudgetAndTheAttemptLimitEndTheRetries() throws Exception {
        script = List.of("503 60");
        IdempotentHttpClient.Result<String> tooLong = client().retryBudget(Duration.ofSeconds(10)).build()
                .send(post(), HttpResponse.BodyHandlers.ofString());
        assertThat(tooLong.attempts()).as("a 60 s wait does not fit a 10 s budget").isEqualTo(1);
        assertThat(tooLong.response().statusCode()).isEqualTo(503);
        received.set(0);
        script = List.of("503", "503", "503", "503", "503");
        IdempotentHttpClient.Result<String> limited = client().maxAttempts(3).build()
                .send(post(), HttpResponse.BodyHandlers.ofString());
        assertThat(limited.attempts()).isEqualTo(3);
        assertThat(limited.response().statusCode()).isEqualTo(503);
    }

    @Test
    void noServerAtAllFailsAfterTheAttemptsNamingTheKey() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        HttpRequest nowhere = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/x"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).header("Idempotency-Key", "\"my-key\"").build();
        assertThatThrownBy(() -> client().maxAttempts(3).build().send(nowhere, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class).hasMessageContaining("no answer after 3 attempts")
                .hasMessageContaining("my-key");
        assertThat(waits).hasSize(2);
    }

    @Test
    void aKeyTheRequestCarriesIsKeptAsItIs() throws Exception {
        HttpRequest own = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString("x"))
                .header("Idempotency-Key", "order-42").build();
        IdempotentHttpClient.Result<String> result = client().build().send(own, HttpResponse.BodyHandlers.ofString());
        assertThat(result.key()).isEqualTo("order-42");
        assertThat(keysSeen).containsExactly("order-42");
    }

    @Test
    void aKeyStrategyThatMakesSomethingUnsendableIsRefusedBeforeSending() {
        assertThatThrownBy(() -> client().keys(() -> "bad\"key").build().send(post(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad\"key");
        assertThatThrownBy(() -> client().keys(() -> "caf\u00e9").build().send(post(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(received).hasValue(0);
    }

    @Test
    void asynchronousSendsRetryTheSameWayWithoutBlocking() throws Exception {
        script = List.of("lose", "503 0");
        IdempotentHttpClient.Result<String> result = client().build().sendAsync(post(), HttpResponse.BodyHandlers.ofString())
                .get(30, TimeUnit.SECONDS);
        assertThat(result.response().statusCode()).isEqualTo(201);
        assertThat(result.attempts()).isEqualTo(3);
        assertThat(result.replayed()).isTrue();
        assertThat(executions).hasValue(1);
        List<String> distinct = new ArrayList<>(new java.util.LinkedHashSet<>(keysSeen));
        assertThat(distinct).hasSize(1);
        received.set(0);
        script = List.of("422");
        assertThat(client().build().sendAsync(post(), HttpResponse.BodyHandlers.ofString()).get(30, TimeUnit.SECONDS)
                .attempts()).isEqualTo(1);
    }
}
