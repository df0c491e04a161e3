package dev.idempotency.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.signature.HttpMessageSigner;
import dev.idempotency.signature.KeyResolver;
import dev.idempotency.signature.SignatureVerifier;
import dev.idempotency.signature.SigningKey;
import dev.idempotency.signature.VerificationKey;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The demo's parts on their own, over loopback: the server's signature check and the proxy that loses answers. */
class DemoSignedServerTest {

    private static final byte[] SECRET = "the demo client's secret, 32 bytes".getBytes(StandardCharsets.UTF_8);

    private Accounts accounts;
    private TransferService transfers;
    private OrderService orders;
    private ApiServer server;

    @BeforeEach
    void start() throws Exception {
        Idempotency.configure(IdempotencyConfig.builder().storeUri("memory:").build());
        accounts = new Accounts().open("alice", 1_000).open("bob", 0);
        transfers = new TransferService(accounts, Duration.ZERO);
        orders = new OrderService(Duration.ZERO);
        server = ApiServer.startSigned(SignatureVerifier.builder()
                .keys(KeyResolver.of(Map.of("client-1", List.of(VerificationKey.hmacSha256(SECRET))))).build(),
                accounts, transfers, orders);
    }

    @AfterEach
    void stop() {
        server.close();
        Idempotency.reset();
    }

    @Test
    void anUnsignedTransferIsRefusedWithItsReasonAndTheServersTimeAndDoesNotRun() throws Exception {
        ApiClient.Response refused = new ApiClient(server.baseUri()).transfer("k-unsigned",
                new TransferRequest("alice", "bob", 10));

        assertThat(refused.status()).isEqualTo(401);
        JsonNode body = ApiServer.JSON.readTree(refused.body());
        assertThat(body.get("error").asText()).isEqualTo("SignatureException");
        assertThat(body.get("reason").asText()).isEqualTo("MISSING_SIGNATURE");
        assertThat(body.get("message").asText()).isEqualTo("the request is not signed");
        assertThat(Instant.parse(body.get("serverTime").asText())).isBefore(Instant.now().plusSeconds(1));
        assertThat(transfers.executions()).isZero();
        assertThat(server.signatureRefusals()).hasSize(1);
    }

    @Test
    void aSignatureByAnotherSecretIsRefusedAndTheOrdersRouteNeedsNone() {
        byte[] other = "another secret, not the client's".getBytes(StandardCharsets.UTF_8);
        ApiClient forger = new ApiClient(server.baseUri(),
                HttpMessageSigner.builder(SigningKey.hmacSha256("client-1", other)).build());

        ApiClient.Response forged = forger.transfer("k-forged", new TransferRequest("alice", "bob", 10));
        ApiClient.Response order = forger.order(new OrderRequest("ORD-1", "dave",
                List.of(new OrderLine("SKU-1", 1, 5))));

        assertThat(forged.status()).isEqualTo(401);
        assertThat(Demo.reasonOf(forged)).isEqualTo("BAD_SIGNATURE");
        assertThat(order.status()).isEqualTo(200);
        assertThat(transfers.executions()).isZero();
        assertThat(accounts.snapshot()).isEqualTo(Map.of("alice", 1_000L, "bob", 0L));
    }

    @Test
    void theProxyLosesTheFirstAnswerPerKeyOnlyAndKeepsTheRequestAsSent() throws Exception {
        try (LostResponseProxy proxy = LostResponseProxy.start(server.baseUri())) {
            ApiClient client = new ApiClient(proxy.baseUri(), HttpMessageSigner.builder(SigningKey.hmacSha256(
                    "client-1", SECRET)).build());
            TransferRequest request = new TransferRequest("alice", "bob", 30);

            assertThatThrownBy(() -> client.transfer("k-lost", request)).isInstanceOf(UncheckedIOException.class);
            assertThat(transfers.executions()).isEqualTo(1); // it ran; only its answer is gone
            ApiClient.Response retried = client.transfer("k-lost", request);
            // the quoted and the bare form are one key, to the proxy as to the server: its answer is lost once
            assertThatThrownBy(() -> client.transfer("\"k-other\"", request)).isInstanceOf(UncheckedIOException.class);
            ApiClient.Response otherAgain = client.transfer("k-other", request);

            assertThat(retried.status()).isEqualTo(200);
            assertThat(ApiServer.JSON.readTree(retried.body()).get("transferId").asText()).isEqualTo("tx-1");
            assertThat(otherAgain.status()).isEqualTo(200);
            assertThat(ApiServer.JSON.readTree(otherAgain.body()).get("transferId").asText()).isEqualTo("tx-2");
            assertThat(client.balances()).isEqualTo(Map.of("alice", 940L, "bob", 60L)); // unkeyed GET passes
            assertThat(proxy.lostAnswers()).isEqualTo(2);
            assertThat(proxy.forwarded()).isEqualTo(5);
            assertThat(transfers.executions()).isEqualTo(2);
            assertThat(new String(proxy.lostRequest("k-lost").orElseThrow(), StandardCharsets.ISO_8859_1))
                    .startsWith("POST /api/transfer HTTP/1.1\r\n")
                    .contains("Idempotency-Key: k-lost").contains("Signature-Input: sig=").endsWith("\"amount\":30}");
        }
    }
}
