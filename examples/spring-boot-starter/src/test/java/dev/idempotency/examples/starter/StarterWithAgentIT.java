package dev.idempotency.examples.starter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.testkit.process.AppProcess;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The starter's executable jar started with the agent as well: the agent instruments {@code TransferService}, and the
 * starter's Spring AOP advisor then leaves it alone, so a call is claimed once, recorded once and counted once. Run on
 * Spring Boot 3 only (the Boot 4 module shares these sources but not this test).
 */
class StarterWithAgentIT {

    private static final Pattern CALLS = Pattern.compile(
            "idempotency_calls_total\\{[^}]*namespace=\"transfers\"[^}]*outcome=\"(\\w+)\"[^}]*} ([0-9.]+)");

    @Test
    void aClassTheAgentInstrumentedIsNotAdvisedAgain(@TempDir Path dir) throws Exception {
        Path jar = Path.of(System.getProperty("example.jar"));
        Path agentJar = Path.of(System.getProperty("idempotency.agent.jar")).normalize();
        assertThat(jar).isRegularFile();
        assertThat(agentJar).isRegularFile();
        Path data = dir.resolve("accounts.sql");
        Files.writeString(data, "INSERT INTO accounts (id, balance) VALUES ('alice', 1000), ('bob', 1000);\n");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (AppProcess app = AppProcess.start(jar, agentJar, "debug=true", dir.resolve("app.log"),
                List.of("-Dspring.sql.init.data-locations=file:" + data))) {
            app.awaitReady(http, "/actuator/health", Duration.ofSeconds(120));
            String key = UUID.randomUUID().toString();
            HttpResponse<String> first = transfer(http, app, key);
            HttpResponse<String> again = transfer(http, app, key);
            assertThat(first.statusCode()).as(first.body() + "\n" + app.output()).isEqualTo(200);
            assertThat(again.body()).isEqualTo(first.body());
            assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");

            assertThat(app.output()).contains("[idempotency-agent] debug: instrumented "
                    + "dev.idempotency.examples.starter.TransferService");
            String metrics = http.send(HttpRequest.newBuilder(app.uri("/actuator/prometheus")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(count(metrics, "executed")).as("one execution counted once:\n" + metrics).isEqualTo(1.0);
            assertThat(count(metrics, "replayed")).as("one replay counted once").isEqualTo(1.0);
            String balances = http.send(HttpRequest.newBuilder(app.uri("/api/accounts")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(balances).contains("\"alice\":993").contains("\"bob\":1007");
        }
    }

    private static HttpResponse<String> transfer(HttpClient http, AppProcess app, String key) throws Exception {
        return http.send(HttpRequest.newBuilder(app.uri("/api/transfers"))
                .header("Content-Type", "application/json").header("Idempotency-Key", key)
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"from\":\"alice\",\"to\":\"bob\",\"amount\":7}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static double count(String metrics, String outcome) {
        Matcher m = CALLS.matcher(metrics);
        double total = 0;
        while (m.find()) {
            if (m.group(1).equals(outcome)) {
                total += Double.parseDouble(m.group(2));
            }
        }
        return total;
    }
}
