package dev.idempotency.examples.starter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The transfer API over real HTTP on a random port, with a plain {@link HttpClient}: the same tests against each
 * store (H2 and PostgreSQL through the application's DataSource, Redis). Each class closes its context when done: the
 * context installs the process-wide runtime, which the next class's context replaces.
 */
@DirtiesContext
abstract class TransferApiContract {

    static final int DUPLICATES = 16;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The property rather than {@code @LocalServerPort}, whose package differs between Spring Boot 3 and 4. */
    @Value("${local.server.port}")
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    Accounts accounts;

    /** Two fresh accounts of 1000 each, so that runs and tests never share balances. */
    String[] openAccounts() {
        String prefix = UUID.randomUUID().toString().substring(0, 8);
        accounts.open(prefix + "-from", 1_000);
        accounts.open(prefix + "-to", 1_000);
        return new String[] {prefix + "-from", prefix + "-to"};
    }

    HttpResponse<String> post(String key, String from, String to, long amount) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/transfers"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"amount\":" + amount + "}"));
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    long transfersFrom(String account) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM transfers WHERE from_id = ?", Long.class, account);
    }

    @Test
    void aRepeatReplaysTheFirstReceiptAndMovesNoMoney() throws Exception {
        String[] a = openAccounts();
        String key = UUID.randomUUID().toString();
        HttpResponse<String> first = post(key, a[0], a[1], 100);
        HttpResponse<String> second = post(key, a[0], a[1], 100);

        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(json(second)).isEqualTo(json(first));
        assertThat(second.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(accounts.balance(a[0])).isEqualTo(900);
        assertThat(transfersFrom(a[0])).isEqualTo(1);
    }

    @Test
    void sixteenConcurrentDuplicatesMoveTheMoneyOnce() throws Exception {
        String[] a = openAccounts();
        String key = UUID.randomUUID().toString();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(DUPLICATES);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < DUPLICATES; i++) {
                Callable<HttpResponse<String>> call = () -> {
                    start.await();
                    return post(key, a[0], a[1], 250);
                };
                answers.add(pool.submit(call));
            }
            start.countDown();
            JsonNode receipt = null;
            for (Future<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get();
                assertThat(response.statusCode()).as(response.body()).isIn(200, 409);
                if (response.statusCode() == 200) {
                    if (receipt == null) {
                        receipt = json(response);
                    }
                    assertThat(json(response)).as("every success carries the one receipt").isEqualTo(receipt);
                } else {
                    assertThat(response.headers().firstValue("Retry-After")).isPresent();
                    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                            type -> assertThat(type).startsWith("application/problem+json"));
                }
            }
            assertThat(receipt).as("one call succeeded").isNotNull();
        } finally {
            pool.shutdownNow();
        }
        assertThat(transfersFrom(a[0])).isEqualTo(1);
        assertThat(accounts.balance(a[0])).isEqualTo(750);
        assertThat(accounts.balance(a[1])).isEqualTo(1_250);
    }

    @Test
    void refusalsAreProblemDetails() throws Exception {
        String[] a = openAccounts();
        String key = UUID.randomUUID().toString();
        assertThat(post(key, a[0], a[1], 100).statusCode()).isEqualTo(200);

        HttpResponse<String> reuse = post(key, a[0], a[1], 999);
        assertThat(reuse.statusCode()).isEqualTo(422);
        assertThat(reuse.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(json(reuse).path("status").asInt()).isEqualTo(422);
        assertThat(json(reuse).path("detail").asText()).contains("different payload");
        assertThat(json(reuse).path("namespace").asText()).isEqualTo("transfers");

        HttpResponse<String> noKey = post(null, a[0], a[1], 100);
        assertThat(noKey.statusCode()).isEqualTo(400);
        assertThat(json(noKey).path("detail").asText()).contains("idempotency key");
        assertThat(accounts.balance(a[0])).isEqualTo(900);
    }

    @Test
    void healthAndMetricsReportTheStoreAndTheCalls() throws Exception {
        String[] a = openAccounts();
        assertThat(post(UUID.randomUUID().toString(), a[0], a[1], 1).statusCode()).isEqualTo(200);

        HttpResponse<String> health = get("/actuator/health/idempotency");
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        assertThat(json(health).path("status").asText()).isEqualTo("UP");
        assertThat(json(health).path("details").path("store").asText()).isNotEmpty();

        HttpResponse<String> prometheus = get("/actuator/prometheus");
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body()).containsPattern(
                "idempotency_calls_total\\{[^}]*namespace=\"transfers\"[^}]*outcome=\"executed\"");
        assertThat(prometheus.body()).contains("idempotency_store_seconds_count{").contains("operation=\"claim\"");
        assertThat(prometheus.body()).contains("idempotency_claims_held");
    }
}
