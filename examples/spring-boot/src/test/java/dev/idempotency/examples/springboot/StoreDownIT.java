package dev.idempotency.examples.springboot;

import dev.idempotency.testkit.process.AppProcess;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The example with the agent pointed at a Redis that is not there: every transfer is refused with 503 and
 * {@code Retry-After}, as a problem document, and no money moves; the rest of the application answers.
 */
class StoreDownIT {

    @Test
    void aStoreThatIsDownIs503AndMovesNothing() throws Exception {
        Path exampleJar = Path.of(System.getProperty("example.jar"));
        Path agentJar = Path.of(System.getProperty("idempotency.agent.jar")).normalize();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        // port 1 on loopback: nothing listens there, so every connection is refused at once
        try (AppProcess app = AppProcess.start(exampleJar, agentJar, "store=redis://127.0.0.1:1",
                exampleJar.resolveSibling("example-store-down.log"), List.of())) {
            app.awaitReady(http, "/api/accounts", Duration.ofSeconds(120));
            String before = http.send(HttpRequest.newBuilder(app.uri("/api/accounts")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(app.uri("/api/transfer"))
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", UUID.randomUUID().toString())
                    .POST(HttpRequest.BodyPublishers.ofString("{\"from\":\"alice\",\"to\":\"bob\",\"amount\":3}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            TransferApiIT.assertProblem(refused, 503);
            assertThat(refused.headers().firstValue("Retry-After")).contains("5");
            assertThat(refused.body()).as("no host or port reaches the client").doesNotContain("127.0.0.1");
            String after = http.send(HttpRequest.newBuilder(app.uri("/api/accounts")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(after).as("nothing moved").isEqualTo(before);
        }
    }
}
