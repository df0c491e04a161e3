package dev.idempotency.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idempotency.client.IdempotentHttpClient;
import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.core.IdempotencyEvent;
import dev.idempotency.signature.HttpMessageSigner;
import dev.idempotency.signature.KeyResolver;
import dev.idempotency.signature.SignatureVerifier;
import dev.idempotency.signature.SigningKey;
import dev.idempotency.signature.VerificationKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Starts the transfer service on a loopback port and sends it the requests that make retries dangerous: a retried
 * transfer, a burst of concurrent duplicates, a reused key with another amount, a request without a key, a
 * resubmitted order; then transfers whose answers a proxy loses, retried by {@link IdempotentHttpClient}; a captured
 * request sent again; a request signed three minutes ago. Every transfer is signed (RFC 9421, hmac-sha256) and the
 * server verifies each one. Prints what happened and exits with 1 if any invariant broke.
 *
 * <pre>mvn -pl examples exec:java</pre>
 */
public final class Demo {

    /** How long each transfer and order takes; concurrent duplicates overlap within it. */
    static final Duration LATENCY = Duration.ofMillis(80);
    static final int CONCURRENT_REQUESTS = 16;
    /** The key id the demo's client signs under, and the server knows its secret by. */
    static final String CLIENT_KEY_ID = "demo-client";
    /** Transfers sent through the proxy that loses the first answer for each key. */
    static final List<TransferRequest> LOST_ANSWERS = List.of(new TransferRequest("alice", "bob", 40),
            new TransferRequest("bob", "carol", 15));
    /** How far behind the late client's clock is: beyond the server's window of 120 s. */
    static final Duration LATE_CLOCK = Duration.ofMinutes(3);

    private static final Map<String, Long> OPENING = Map.of("alice", 1_000L, "bob", 0L, "carol", 0L);
    private static final SecureRandom RANDOM = new SecureRandom();

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        DemoReport report = run();
        report.print(System.out);
        if (!report.ok()) {
            System.exit(1);
        }
    }

    /** Runs every scenario against a fresh in-memory store and ledger; leaves the runtime reset. */
    public static DemoReport run() throws Exception {
        return run(true);
    }

    /**
     * @param verifySignatures false starts the server without its verifier, to show (in a test) that the report
     *                         notices what then goes wrong
     */
    static DemoReport run(boolean verifySignatures) throws Exception {
        EventCounter events = new EventCounter();
        Idempotency.configure(IdempotencyConfig.builder().storeUri("memory:").listener(events).build());
        Accounts accounts = new Accounts();
        OPENING.forEach(accounts::open);
        TransferService transfers = new TransferService(accounts, LATENCY);
        OrderService orders = new OrderService(LATENCY);

        // the client's secret, shared with the server; a real one comes from a vault, never from the source
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        SigningKey clientKey = SigningKey.hmacSha256(CLIENT_KEY_ID, secret);
        HttpMessageSigner signer = HttpMessageSigner.builder(clientKey).build();
        // nonces in this process's memory (the verifier's default): enough for one server. Behind several servers they
        // belong in the shared store, as IdempotencyFilter keeps them; that registry is the servlet module's own.
        SignatureVerifier verifier = SignatureVerifier.builder()
                .keys(KeyResolver.of(Map.of(CLIENT_KEY_ID, List.of(VerificationKey.hmacSha256(secret)))))
                .build();

        try (ApiServer server = verifySignatures ? ApiServer.startSigned(verifier, accounts, transfers, orders)
                : ApiServer.start(accounts, transfers, orders);
             LostResponseProxy proxy = LostResponseProxy.start(server.baseUri())) {
            ApiClient client = new ApiClient(server.baseUri(), signer);
            List<String> scenarios = new ArrayList<>();
            List<String> violations = new ArrayList<>();
            Map<String, Long> expected = new TreeMap<>(OPENING);

            // 1. a client retries a transfer it already made: the second answer is the first receipt
            TransferRequest toBob = new TransferRequest("alice", "bob", 100);
            ApiClient.Response first = client.transfer("transfer-0001", toBob);
            ApiClient.Response retry = client.transfer("transfer-0001", toBob);
            expectStatus(violations, "first transfer", first, 200);
            expectStatus(violations, "retried transfer", retry, 200);
            expectSameBody(violations, "retried transfer", first, retry);
            debit(expected, toBob);
            scenarios.add(line("same transfer twice in a row", statuses(List.of(first, retry)),
                    first.body().equals(retry.body()) ? "second replayed, identical body" : "bodies DIFFER"));

            // 2. a burst of identical requests, e.g. a double-click or an impatient proxy: one runs, the rest
            //    replay its receipt or are told it is in progress
            TransferRequest toCarol = new TransferRequest("alice", "carol", 250);
            List<ApiClient.Response> burst = client.concurrently(CONCURRENT_REQUESTS,
                    () -> client.transfer("transfer-0002", toCarol));
            ApiClient.Response afterBurst = client.transfer("transfer-0002", toCarol);
            List<ApiClient.Response> answered = burst.stream().filter(r -> r.status() == 200).collect(Collectors.toList());
            burst.stream().filter(r -> r.status() != 200 && r.status() != 409)
                    .forEach(r -> violations.add("concurrent transfer answered " + r.status() + ": " + r.body()));
            if (answered.isEmpty()) {
                violations.add("no concurrent transfer answered 200");
            }
            answered.forEach(r -> expectSameBody(violations, "concurrent transfer", answered.get(0), r));
            expectStatus(violations, "transfer after the burst", afterBurst, 200);
            if (!answered.isEmpty()) {
                expectSameBody(violations, "transfer after the burst", answered.get(0), afterBurst);
            }
            debit(expected, toCarol);
            scenarios.add(line("same new transfer from " + CONCURRENT_REQUESTS + " threads", statuses(burst),
                    "one ran; then a retry: " + afterBurst.status() + (!answered.isEmpty()
                            && answered.get(0).body().equals(afterBurst.body()) ? ", same receipt" : "")));

            // 3. the key comes back with another amount: a client bug, refused without running
            ApiClient.Response reused = client.transfer("transfer-0001", new TransferRequest("alice", "bob", 999));
            expectStatus(violations, "reused key", reused, 422);
            scenarios.add(line("same key, different amount", statuses(List.of(reused)), "refused, did not run"));

            // 4. no Idempotency-Key header: the key is null, so the method refuses to run
            ApiClient.Response keyless = client.transfer(null, toBob);
            expectStatus(violations, "transfer without a key", keyless, 400);
            scenarios.add(line("transfer without Idempotency-Key", statuses(List.of(keyless)), "refused, did not run"));

            // 5. an order resubmitted with the same order number, keyed by the body itself
            OrderRequest order = new OrderRequest("ORD-1001", "dave",
                    List.of(new OrderLine("SKU-7", 2, 15), new OrderLine("SKU-9", 1, 40)));
            ApiClient.Response placed = client.order(order);
            ApiClient.Response resubmitted = client.order(order);
            expectStatus(violations, "order", placed, 200);
            expectStatus(violations, "resubmitted order", resubmitted, 200);
            expectSameBody(violations, "resubmitted order", placed, resubmitted);
            scenarios.add(line("same order number twice", statuses(List.of(placed, resubmitted)),
                    placed.body().equals(resubmitted.body()) ? "one order, identical confirmation" : "bodies DIFFER"));

            // 6. the answer is lost on the way back (the proxy drops it after the server has moved the money):
            //    IdempotentHttpClient retries with the same key and a fresh signature, and gets the first receipt
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            IdempotentHttpClient retrying = IdempotentHttpClient.builder().httpClient(http).signer(signer)
                    .backoff(Duration.ofMillis(20), Duration.ofMillis(500)).build();
            int executionsBefore = transfers.executions();
            List<IdempotentHttpClient.Result<String>> recovered = new ArrayList<>();
            for (TransferRequest t : LOST_ANSWERS) {
                IdempotentHttpClient.Result<String> r = retrying.send(transferRequest(proxy.baseUri(), t),
                        HttpResponse.BodyHandlers.ofString());
                recovered.add(r);
                String what = "transfer whose answer was lost (" + r.key() + ")";
                expectStatus(violations, what, response(r), 200);
                if (r.attempts() != 2) {
                    violations.add(what + " took " + r.attempts() + " attempts instead of 2");
                }
                if (!r.replayed()) {
                    violations.add(what + " was not answered as a replay");
                }
                debit(expected, t);
            }
            int lostExecutions = transfers.executions() - executionsBefore;
            if (lostExecutions != LOST_ANSWERS.size()) {
                violations.add(LOST_ANSWERS.size() + " transfers whose answers were lost executed " + lostExecutions
                        + " times");
            }
            if (proxy.lostAnswers() != LOST_ANSWERS.size()) {
                violations.add("the proxy lost " + proxy.lostAnswers() + " answers instead of " + LOST_ANSWERS.size());
            }
            int attempts = recovered.stream().mapToInt(IdempotentHttpClient.Result::attempts).sum();
            int replayedAnswers = (int) recovered.stream().filter(IdempotentHttpClient.Result::replayed).count();
            scenarios.add(line("answer lost by a proxy, retried", statuses(recovered.stream().map(Demo::response)
                    .collect(Collectors.toList())), attempts + " attempts for " + recovered.size() + " transfers, "
                    + replayedAnswers + " replayed, " + lostExecutions + " executions"));

            // 7. somebody captured the signed request whose answer was lost and sends it again, byte for byte
            byte[] captured = proxy.lostRequest(recovered.get(0).key()).orElse(null);
            int executionsBeforeCopy = transfers.executions();
            int replaysBeforeCopy = events.count(IdempotencyEvent.Type.REPLAYED);
            ApiClient.Response copy = captured == null ? new ApiClient.Response(0, "nothing captured")
                    : sendRaw(server.baseUri(), captured);
            expectStatus(violations, "captured request sent again", copy, 401);
            expectReason(violations, "captured request sent again", copy, "NONCE_REUSED");
            if (transfers.executions() != executionsBeforeCopy
                    || events.count(IdempotencyEvent.Type.REPLAYED) != replaysBeforeCopy) {
                violations.add("the captured request reached the transfer service");
            }
            scenarios.add(line("captured request sent again", statuses(List.of(copy)), reasonOf(copy)
                    + ", did not reach the service"));

            // 8. a client whose clock is three minutes behind: its created lies outside the window
            IdempotentHttpClient late = IdempotentHttpClient.builder().httpClient(http)
                    .signer(HttpMessageSigner.builder(clientKey)
                            .clock(Clock.offset(Clock.systemUTC(), LATE_CLOCK.negated())).build())
                    .backoff(Duration.ofMillis(20), Duration.ofMillis(500)).build();
            int executionsBeforeLate = transfers.executions();
            IdempotentHttpClient.Result<String> stale = late.send(transferRequest(server.baseUri(),
                    new TransferRequest("alice", "bob", 70)), HttpResponse.BodyHandlers.ofString());
            expectStatus(violations, "transfer signed three minutes ago", response(stale), 401);
            expectReason(violations, "transfer signed three minutes ago", response(stale), "OUTSIDE_WINDOW");
            if (stale.attempts() != 1) {
                violations.add("a refused signature was retried: " + stale.attempts() + " attempts");
            }
            if (transfers.executions() != executionsBeforeLate) {
                violations.add("the transfer signed three minutes ago ran");
            }
            scenarios.add(line("signed three minutes ago", statuses(List.of(response(stale))), reasonOf(response(stale))
                    + ", not retried, did not run"));

            // the invariants across everything that was sent
            int distinctKeys = 3 + LOST_ANSWERS.size(); // transfer-0001, transfer-0002, ORD-1001, one per lost answer
            int transferKeys = 2 + LOST_ANSWERS.size();
            if (transfers.executions() != transferKeys) {
                violations.add("transfers executed " + transfers.executions() + " times for " + transferKeys
                        + " distinct keys");
            }
            if (orders.executions() != 1) {
                violations.add("orders executed " + orders.executions() + " times for 1 distinct order number");
            }
            SortedMap<Integer, Integer> answers = server.statusCounts();
            int requests = answers.values().stream().mapToInt(Integer::intValue).sum();
            int sent = client.requestsSent() + attempts + 1 + stale.attempts();
            if (requests != sent) {
                violations.add("the server answered " + requests + " requests, but " + sent + " were sent");
            }
            int executions = transfers.executions() + orders.executions();
            int replays = events.count(IdempotencyEvent.Type.REPLAYED);
            int rejected = events.count(IdempotencyEvent.Type.REJECTED);
            int keyReuse = events.count(IdempotencyEvent.Type.KEY_REUSE);
            if (replays != count(answers, 200) - executions) {
                violations.add(replays + " replays, but " + count(answers, 200) + " answers of 200 for " + executions
                        + " executions");
            }
            if (rejected != count(answers, 409)) {
                violations.add(rejected + " rejections in progress, but " + count(answers, 409) + " answers of 409");
            }
            if (keyReuse != count(answers, 422)) {
                violations.add(keyReuse + " key reuses, but " + count(answers, 422) + " answers of 422");
            }
            SortedMap<String, Integer> refused = new TreeMap<>();
            server.signatureRefusals().forEach((reason, n) -> refused.put(reason.name(), n));
            if (!refused.equals(Map.of("NONCE_REUSED", 1, "OUTSIDE_WINDOW", 1))) {
                violations.add("signatures refused " + refused + ", expected NONCE_REUSED 1, OUTSIDE_WINDOW 1");
            }
            Map<String, Long> balances = accounts.snapshot();
            if (!balances.equals(expected)) {
                violations.add("balances " + balances + ", expected " + expected);
            }
            return new DemoReport(server.baseUri().toString(), scenarios, requests, answers,
                    transfers.executions(), orders.executions(), distinctKeys, replays, rejected, keyReuse,
                    new DemoReport.Signatures(clientKey.algorithm().id(),
                            server.signaturesVerified(), refused),
                    new DemoReport.LostAnswers(proxy.lostAnswers(), recovered.size(), attempts, replayedAnswers),
                    balances, expected, violations);
        } finally {
            Idempotency.reset();
        }
    }

    /** {@code POST /api/transfer} as any client builds it; {@link IdempotentHttpClient} adds the key and signs. */
    private static HttpRequest transferRequest(URI base, TransferRequest transfer) throws IOException {
        return HttpRequest.newBuilder(base.resolve("/api/transfer"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(ApiServer.JSON.writeValueAsBytes(transfer)))
                .build();
    }

    /** Sends these bytes as they are, to the server directly: no client in between to re-sign or re-key them. */
    private static ApiClient.Response sendRaw(URI server, byte[] request) throws IOException {
        RawHttp.Message answer = RawHttp.exchange(new InetSocketAddress(server.getHost(), server.getPort()), request);
        return new ApiClient.Response(answer.status(), answer.bodyText());
    }

    private static ApiClient.Response response(IdempotentHttpClient.Result<String> result) {
        return new ApiClient.Response(result.response().statusCode(), result.response().body());
    }

    private static int count(Map<Integer, Integer> statuses, int status) {
        return statuses.getOrDefault(status, 0);
    }

    /** The {@code reason} of a refused signature's answer, or what came instead. */
    static String reasonOf(ApiClient.Response r) {
        try {
            JsonNode reason = ApiServer.JSON.readTree(r.body()).get("reason");
            return reason != null ? reason.asText() : "no reason (status " + r.status() + ")";
        } catch (IOException | RuntimeException e) {
            return "no reason (status " + r.status() + ")";
        }
    }

    private static void expectReason(List<String> violations, String what, ApiClient.Response r, String reason) {
        if (!reason.equals(reasonOf(r))) {
            violations.add(what + " was not refused " + reason + ": " + r.status() + " " + r.body());
        }
    }

    private static void debit(Map<String, Long> balances, TransferRequest t) {
        balances.merge(t.from(), -t.amount(), Long::sum);
        balances.merge(t.to(), t.amount(), Long::sum);
    }

    private static void expectStatus(List<String> violations, String what, ApiClient.Response r, int status) {
        if (r.status() != status) {
            violations.add(what + " answered " + r.status() + " instead of " + status + ": " + r.body());
        }
    }

    private static void expectSameBody(List<String> violations, String what, ApiClient.Response a,
            ApiClient.Response b) {
        if (!Objects.equals(a.body(), b.body())) {
            violations.add(what + " answered another body: " + b.body() + " instead of " + a.body());
        }
    }

    /** E.g. {@code 200 x3, 409 x13}. */
    static String statuses(List<ApiClient.Response> responses) {
        Map<Integer, Long> counts = responses.stream()
                .collect(Collectors.groupingBy(ApiClient.Response::status, TreeMap::new, Collectors.counting()));
        return counts.entrySet().stream()
                .map(e -> e.getValue() == 1 ? String.valueOf(e.getKey()) : e.getKey() + " x" + e.getValue())
                .collect(Collectors.joining(", "));
    }

    private static String line(String scenario, String statuses, String note) {
        return String.format("%-36s %-18s %s", scenario, statuses, note);
    }
}
