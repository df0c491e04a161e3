package dev.idempotency.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.core.IdempotencyEvent;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The woven services behind the real HTTP server, on an ephemeral loopback port. */
class TransferApiTest {

    private final EventCounter events = new EventCounter();
    private Accounts accounts;
    private TransferService transfers;
    private OrderService orders;
    private ApiServer server;
    private ApiClient client;

    @BeforeEach
    void start() throws Exception {
        Idempotency.configure(IdempotencyConfig.builder().storeUri("memory:").listener(events).build());
        accounts = new Accounts().open("alice", 1_000).open("bob", 0).open("carol", 0);
        transfers = new TransferService(accounts, Duration.ofMillis(100));
        orders = new OrderService(Duration.ofMillis(10));
        server = ApiServer.start(accounts, transfers, orders);
        client = new ApiClient(server.baseUri());
    }

    @AfterEach
    void stop() {
        server.close();
        Idempotency.reset();
    }

    @Test
    void duplicateSequentialRequestsExecuteOnceAndReplayTheSameBody() throws Exception {
        TransferRequest request = new TransferRequest("alice", "bob", 100);

        ApiClient.Response first = client.transfer("k-seq", request);
        ApiClient.Response second = client.transfer("k-seq", request);
        ApiClient.Response third = client.transfer("k-seq", request);

        assertThat(List.of(first.status(), second.status(), third.status())).containsOnly(200);
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(third.body()).isEqualTo(first.body());
        JsonNode receipt = ApiServer.JSON.readTree(first.body());
        assertThat(receipt.get("transferId").asText()).isEqualTo("tx-1");
        assertThat(receipt.get("fromBalanceAfter").asLong()).isEqualTo(900);
        assertThat(transfers.executions()).isEqualTo(1);
        assertThat(events.count(IdempotencyEvent.Type.EXECUTED)).isEqualTo(1);
        assertThat(events.count(IdempotencyEvent.Type.REPLAYED)).isEqualTo(2);
        assertThat(client.balances()).isEqualTo(Map.of("alice", 900L, "bob", 100L, "carol", 0L));
    }

    @Test
    void concurrentDuplicatesExecuteOnceAndAnswerTheSameReceiptOrConflict() throws Exception {
        TransferRequest request = new TransferRequest("alice", "carol", 250);

        List<ApiClient.Response> responses = client.concurrently(16, () -> client.transfer("k-burst", request));

        assertThat(transfers.executions()).isEqualTo(1);
        assertThat(responses).hasSize(16).allSatisfy(r -> assertThat(r.status()).isIn(200, 409));
        List<String> bodies = responses.stream().filter(r -> r.status() == 200).map(ApiClient.Response::body).toList();
        assertThat(bodies).isNotEmpty();
        assertThat(bodies).containsOnly(bodies.get(0));
        responses.stream().filter(r -> r.status() == 409).forEach(r ->
                assertThat(r.body()).contains("\"status\":409").contains("in progress"));
        assertThat(events.count(IdempotencyEvent.Type.REJECTED)).isEqualTo(client.count(409));
        assertThat(events.count(IdempotencyEvent.Type.REPLAYED)).isEqualTo(client.count(200) - 1);

        // once it finished, every retry gets the one receipt
        ApiClient.Response retry = client.transfer("k-burst", request);
        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.body()).isEqualTo(bodies.get(0));
        assertThat(transfers.executions()).isEqualTo(1);
        assertThat(accounts.snapshot()).isEqualTo(Map.of("alice", 750L, "bob", 0L, "carol", 250L));
    }

    @Test
    void theSameKeyWithAnotherAmountIsRefusedWith422() throws Exception {
        assertThat(client.transfer("k-reuse", new TransferRequest("alice", "bob", 100)).status()).isEqualTo(200);

        ApiClient.Response reused = client.transfer("k-reuse", new TransferRequest("alice", "bob", 999));

        assertThat(reused.status()).isEqualTo(422);
        JsonNode error = ApiServer.JSON.readTree(reused.body());
        assertThat(error.get("status").asInt()).isEqualTo(422);
        assertThat(error.get("error").asText()).isEqualTo("IdempotencyKeyReuseException");
        assertThat(error.get("message").asText()).contains("k-reuse").contains("different payload");
        assertThat(transfers.executions()).isEqualTo(1);
        assertThat(accounts.snapshot()).isEqualTo(Map.of("alice", 900L, "bob", 100L, "carol", 0L));
    }

    @Test
    void aMissingOrBlankKeyIsRefusedWith400WithoutRunning() throws Exception {
        TransferRequest request = new TransferRequest("alice", "bob", 100);

        ApiClient.Response missing = client.transfer(null, request);
        ApiClient.Response blank = client.transfer("   ", request);
        ApiClient.Response tooLong = client.transfer("k".repeat(256), request);

        assertThat(List.of(missing.status(), blank.status(), tooLong.status())).containsOnly(400);
        assertThat(ApiServer.JSON.readTree(missing.body()).get("error").asText()).isEqualTo("IdempotencyKeyException");
        assertThat(transfers.executions()).isZero();
        assertThat(accounts.snapshot()).isEqualTo(Map.of("alice", 1_000L, "bob", 0L, "carol", 0L));
    }

    @Test
    void ordersAreExecutedOncePerOrderNumber() throws Exception {
        OrderRequest order = new OrderRequest("ORD-1", "dave", List.of(new OrderLine("SKU-7", 2, 15)));
        OrderRequest other = new OrderRequest("ORD-2", "dave", List.of(new OrderLine("SKU-9", 1, 40)));

        ApiClient.Response placed = client.order(order);
        ApiClient.Response again = client.order(order);
        ApiClient.Response second = client.order(other);

        assertThat(List.of(placed.status(), again.status(), second.status())).containsOnly(200);
        assertThat(again.body()).isEqualTo(placed.body());
        assertThat(second.body()).isNotEqualTo(placed.body());
        JsonNode confirmation = ApiServer.JSON.readTree(placed.body());
        assertThat(confirmation.get("orderNo").asText()).isEqualTo("ORD-1");
        assertThat(confirmation.get("total").asLong()).isEqualTo(30);
        assertThat(orders.executions()).isEqualTo(2);
    }

    @Test
    void balancesReflectEachAcceptedTransferOnce() throws Exception {
        TransferRequest toBob = new TransferRequest("alice", "bob", 100);
        TransferRequest toCarol = new TransferRequest("alice", "carol", 250);
        client.transfer("k-1", toBob);
        client.concurrently(8, () -> client.transfer("k-2", toCarol));
        client.transfer("k-1", toBob);
        client.transfer("k-2", toCarol);
        client.transfer("k-1", new TransferRequest("alice", "bob", 5)); // 422
        client.transfer(null, toBob);                                   // 400

        assertThat(transfers.executions()).isEqualTo(2);
        assertThat(client.balances()).isEqualTo(Map.of("alice", 650L, "bob", 100L, "carol", 250L));
    }

    @Test
    void malformedBodiesAndWrongMethodsAreRejectedByTheHttpLayer() throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> badJson = http.send(HttpRequest.newBuilder(server.baseUri().resolve("/api/transfer"))
                .header(ApiServer.IDEMPOTENCY_KEY, "k-bad")
                .POST(HttpRequest.BodyPublishers.ofString("{not json")).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(server.baseUri().resolve("/api/transfer"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(badJson.statusCode()).isEqualTo(400);
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(transfers.executions()).isZero();
    }
}
