package dev.idempotency.examples.routes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.testkit.process.AppProcess;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The payments service, which has no idempotency code and no idempotency dependency, started with the agent and one
 * argument, {@code http.routes=POST /api/payments}: its POSTs are deduplicated by their {@code Idempotency-Key} and
 * their whole responses replayed, over real HTTP.
 */
class RouteModeIT {

    private static HttpClient http;
    private static AppProcess app;

    @BeforeAll
    static void startTheServiceWithTheAgent() throws Exception {
        Path jar = Path.of(System.getProperty("example.jar"));
        Path agentJar = Path.of(System.getProperty("idempotency.agent.jar")).normalize();
        assertThat(jar).as("the executable jar (mvn package)").isRegularFile();
        assertThat(agentJar).as("the agent jar: the reactor builds idempotency-agent first").isRegularFile();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        app = AppProcess.start(jar, agentJar, "http.routes=POST /api/payments", jar.resolveSibling("routes-it.log"),
                List.of("-Dpayments.latency=PT0.5S"));
        try {
            app.awaitReady(http, "/api/payments/executions", Duration.ofSeconds(120));
        } catch (Exception | AssertionError e) {
            app.close();
            throw e;
        }
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void aRetryGetsTheFirstResponseByteForByte_201AndLocationIncluded() throws Exception {
        int before = executions();
        String key = UUID.randomUUID().toString();
        HttpResponse<String> first = pay(key, "{\"to\":\"bob\",\"amount\":100}");
        HttpResponse<String> retry = pay("\"" + key + "\"", "{\"to\":\"bob\",\"amount\":100}");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(retry.statusCode()).isEqualTo(201);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(retry.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"))
                .hasValueSatisfying(location -> assertThat(location).contains("/api/payments/pay-"));
        assertThat(retry.headers().firstValue("Content-Type")).isEqualTo(first.headers().firstValue("Content-Type"));
        assertThat(retry.body()).isEqualTo(first.body());
        assertThat(executions()).as("the retry did not reach the controller").isEqualTo(before + 1);
    }

    @Test
    void sixteenConcurrentDuplicatesRunOnce() throws Exception {
        int before = executions();
        String key = UUID.randomUUID().toString();
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            inFlight.add(http.sendAsync(post(key, "{\"to\":\"carol\",\"amount\":7}"), HttpResponse.BodyHandlers.ofString()));
        }
        int created = 0;
        int conflicts = 0;
        for (CompletableFuture<HttpResponse<String>> f : inFlight) {
            HttpResponse<String> response = f.get();
            if (response.statusCode() == 201) {
                created++;
            } else {
                assertThat(response.statusCode()).as(response.body()).isEqualTo(409);
                assertThat(response.headers().firstValue("Retry-After")).isPresent();
                assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
                conflicts++;
            }
        }
        assertThat(created + conflicts).isEqualTo(16);
        assertThat(created).isPositive();
        assertThat(executions()).as("one execution for sixteen requests").isEqualTo(before + 1);
    }

    @Test
    void noKeyIs400AnotherBodyIs422AndNeitherRuns() throws Exception {
        int before = executions();
        HttpResponse<String> none = http.send(HttpRequest.newBuilder(app.uri("/api/payments"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"bob\",\"amount\":1}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(none.headers().firstValue("Content-Type")).contains("application/problem+json");
        String key = UUID.randomUUID().toString();
        assertThat(pay(key, "{\"to\":\"bob\",\"amount\":2}").statusCode()).isEqualTo(201);
        HttpResponse<String> reused = pay(key, "{\"to\":\"bob\",\"amount\":2000}");
        assertThat(reused.statusCode()).isEqualTo(422);
        assertThat(reused.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(executions()).as("only the one first request ran").isEqualTo(before + 1);
    }

    @Test
    void aClientErrorIsRecordedAndReplayedAServerErrorReleasesTheKey() throws Exception {
        int before = executions();
        String refusedKey = UUID.randomUUID().toString();
        HttpResponse<String> refused = pay(refusedKey, "{\"to\":\"bob\",\"amount\":0}");
        HttpResponse<String> refusedAgain = pay(refusedKey, "{\"to\":\"bob\",\"amount\":0}");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refusedAgain.statusCode()).isEqualTo(400);
        assertThat(refusedAgain.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(refusedAgain.body()).isEqualTo(refused.body());
        assertThat(executions()).as("a 4xx is an answer: replayed").isEqualTo(before + 1);

        String failingKey = UUID.randomUUID().toString();
        assertThat(pay(failingKey, "{\"to\":\"unreachable-bank\",\"amount\":5}").statusCode()).isEqualTo(500);
        assertThat(pay(failingKey, "{\"to\":\"unreachable-bank\",\"amount\":5}").statusCode()).isEqualTo(500);
        assertThat(executions()).as("a 5xx released the key: the retry ran again").isEqualTo(before + 3);
    }

    @Test
    void otherRoutesAreUntouched() throws Exception {
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(app.uri("/api/payments/executions")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.headers().firstValue("Idempotent-Replayed")).isEmpty();
    }

    private static HttpRequest post(String key, String body) {
        return HttpRequest.newBuilder(app.uri("/api/payments"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static HttpResponse<String> pay(String key, String body) throws Exception {
        return http.send(post(key, body), HttpResponse.BodyHandlers.ofString());
    }

    private static int executions() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(app.uri("/api/payments/executions")).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return Integer.parseInt(response.body().trim());
    }
}
