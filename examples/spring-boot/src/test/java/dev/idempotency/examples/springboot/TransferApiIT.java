package dev.idempotency.examples.springboot;

import dev.idempotency.testkit.process.AppProcess;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The executable jar, started exactly as the README says ({@code java -javaagent:idempotency-agent.jar -jar ...}) on a
 * free loopback port, driven over real HTTP with duplicate, concurrent and conflicting requests.
 */
class TransferApiIT {

    private static final Pattern BALANCE = Pattern.compile("\"(\\w+)\":(-?\\d+)");

    private static HttpClient http;
    private static AppProcess app;

    @BeforeAll
    static void startTheApplicationWithTheAgent() throws Exception {
        Path exampleJar = Path.of(System.getProperty("example.jar"));
        Path agentJar = Path.of(System.getProperty("idempotency.agent.jar")).normalize();
        assertThat(exampleJar).as("the executable jar (mvn package)").isRegularFile();
        assertThat(agentJar).as("the agent jar: the reactor builds idempotency-agent first"
                + " (mvn -B -pl examples/spring-boot -am verify)").isRegularFile();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        // each transfer takes 500 ms, so that concurrent duplicates overlap
        app = AppProcess.start(exampleJar, agentJar, exampleJar.resolveSibling("example-it.log"),
                List.of("-Didempotency.agent.debug=true", "-Dtransfer.latency=PT0.5S"));
        try {
            app.awaitReady(http, "/api/accounts", Duration.ofSeconds(120));
        } catch (Exception | AssertionError e) {
            app.close();
            throw e;
        }
    }

    @AfterAll
    static void stopTheApplication() throws Exception {
        if (app == null) {
            return;
        }
        try {
            app.close();
        } finally {
            // on exit, the agent reports (debug) what it instrumented: the one class with an @Idempotent method
            assertThat(app.output()).contains("[idempotency-agent] debug: instrumented 1 class:"
                    + " dev.idempotency.examples.springboot.TransferService (");
        }
    }

    @Test
    void theAgentStartedAndInstrumentedTheService() throws Exception {
        assertThat(app.output())
                .contains("[idempotency-agent] 0.1.0-SNAPSHOT started: store memory: (ttl PT1H, lease PT30S)")
                .contains("[idempotency-agent] debug: instrumented dev.idempotency.examples.springboot.TransferService"
                        + " (1 @Idempotent method)");
    }

    @Test
    void duplicatesReplayTheFirstReceiptAndMoveTheMoneyOnce() throws Exception {
        Map<String, Long> before = balances();
        String key = UUID.randomUUID().toString();
        List<HttpResponse<String>> responses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            responses.add(transfer(key, "{\"from\":\"alice\",\"to\":\"bob\",\"amount\":100}"));
        }
        for (HttpResponse<String> response : responses) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).as("a replay is the first receipt, byte for byte")
                    .isEqualTo(responses.get(0).body());
        }
        assertThat(responses.get(0).headers().firstValue("Idempotent-Replayed")).as("the first answer ran").isEmpty();
        assertThat(responses.get(1).headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(responses.get(2).headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(responses.get(0).body()).contains("\"from\":\"alice\"").contains("\"amount\":100");
        assertThat(balances()).containsEntry("alice", before.get("alice") - 100).containsEntry("bob", before.get("bob") + 100);
    }

    @Test
    void concurrentDuplicatesRunOnceTheOthersAreToldToRetry() throws Exception {
        Map<String, Long> before = balances();
        String key = UUID.randomUUID().toString();
        String body = "{\"from\":\"bob\",\"to\":\"carol\",\"amount\":7}";
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            inFlight.add(http.sendAsync(post(key, body), HttpResponse.BodyHandlers.ofString()));
        }
        List<HttpResponse<String>> responses = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> response : inFlight) {
            responses.add(response.get());
        }
        List<String> receipts = new ArrayList<>();
        int conflicts = 0;
        for (HttpResponse<String> response : responses) {
            if (response.statusCode() == 200) {
                receipts.add(response.body());
            } else {
                assertProblem(response, 409);
                assertThat(response.headers().firstValue("Retry-After")).contains("1");
                conflicts++;
            }
        }
        assertThat(receipts).as("at least the first call answered").isNotEmpty();
        assertThat(receipts).allMatch(receipts.get(0)::equals);
        assertThat(conflicts).as("12 requests within one 500 ms transfer: the others were refused").isPositive();
        // after the first call completed, a retry replays its receipt
        HttpResponse<String> retry = transfer(key, body);
        assertThat(retry.statusCode()).isEqualTo(200);
        assertThat(retry.body()).isEqualTo(receipts.get(0));
        assertThat(balances()).containsEntry("bob", before.get("bob") - 7).containsEntry("carol", before.get("carol") + 7);
    }

    @Test
    void aKeyReusedWithAnotherPayloadIs422AndRunsNothing() throws Exception {
        String key = UUID.randomUUID().toString();
        assertThat(transfer(key, "{\"from\":\"carol\",\"to\":\"alice\",\"amount\":5}").statusCode()).isEqualTo(200);
        Map<String, Long> before = balances();
        HttpResponse<String> reused = transfer(key, "{\"from\":\"carol\",\"to\":\"alice\",\"amount\":500}");
        assertProblem(reused, 422);
        assertThat(reused.body()).as("the client's payload is never echoed").doesNotContain("500");
        assertThat(balances()).isEqualTo(before);
    }

    @Test
    void aMissingOrBlankKeyIs400AndRunsNothing() throws Exception {
        Map<String, Long> before = balances();
        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(app.uri("/api/transfer"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"from\":\"alice\",\"to\":\"bob\",\"amount\":1}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
        assertProblem(missing, 400);
        assertProblem(transfer(" ", "{\"from\":\"alice\",\"to\":\"bob\",\"amount\":1}"), 400);
        assertProblem(transfer("\"a\", \"b\"", "{\"from\":\"alice\",\"to\":\"bob\",\"amount\":1}"), 400);
        assertThat(balances()).isEqualTo(before);
    }

    @Test
    void aFailedTransferFreesItsKey() throws Exception {
        String key = UUID.randomUUID().toString();
        HttpResponse<String> refused = transfer(key, "{\"from\":\"alice\",\"to\":\"bob\",\"amount\":1000000}");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("insufficient funds");
        // the failure released the key: a corrected request with the same key runs
        assertThat(transfer(key, "{\"from\":\"alice\",\"to\":\"bob\",\"amount\":1}").statusCode()).isEqualTo(200);
    }

    /** An RFC 9457 answer from the agent's filter: the application has no handler for the library's exceptions. */
    static void assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(response.body()).contains("\"status\":" + status).contains("\"detail\":\"");
        if (status != 400) {
            assertThat(response.body()).contains("\"namespace\":\"");
        }
    }

    private static HttpRequest post(String key, String body) {
        return HttpRequest.newBuilder(app.uri("/api/transfer"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static HttpResponse<String> transfer(String key, String body) throws Exception {
        return http.send(post(key, body), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, Long> balances() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(app.uri("/api/accounts")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Long> balances = new java.util.TreeMap<>();
        Matcher m = BALANCE.matcher(response.body());
        while (m.find()) {
            balances.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return balances;
    }
}
