package dev.idempotency.examples;

import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.core.IdempotencyEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Starts the transfer service on a loopback port and sends it the requests that make retries dangerous: a retried
 * transfer, a burst of concurrent duplicates, a reused key with another amount, a request without a key, a
 * resubmitted order. Prints what happened and exits with 1 if any invariant broke.
 *
 * <pre>mvn -pl examples exec:java</pre>
 */
public final class Demo {

    /** How long each transfer and order takes; concurrent duplicates overlap within it. */
    static final Duration LATENCY = Duration.ofMillis(80);
    static final int CONCURRENT_REQUESTS = 16;

    private static final Map<String, Long> OPENING = Map.of("alice", 1_000L, "bob", 0L, "carol", 0L);

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
        EventCounter events = new EventCounter();
        Idempotency.configure(IdempotencyConfig.builder().storeUri("memory:").listener(events).build());
        Accounts accounts = new Accounts();
        OPENING.forEach(accounts::open);
        TransferService transfers = new TransferService(accounts, LATENCY);
        OrderService orders = new OrderService(LATENCY);
        try (ApiServer server = ApiServer.start(accounts, transfers, orders)) {
            ApiClient client = new ApiClient(server.baseUri());
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

            // the invariants across everything that was sent
            int distinctKeys = 3; // transfer-0001, transfer-0002, ORD-1001
            if (transfers.executions() != 2) {
                violations.add("transfers executed " + transfers.executions() + " times for 2 distinct keys");
            }
            if (orders.executions() != 1) {
                violations.add("orders executed " + orders.executions() + " times for 1 distinct order number");
            }
            int executions = transfers.executions() + orders.executions();
            int replays = events.count(IdempotencyEvent.Type.REPLAYED);
            int rejected = events.count(IdempotencyEvent.Type.REJECTED);
            int keyReuse = events.count(IdempotencyEvent.Type.KEY_REUSE);
            if (replays != client.count(200) - executions) {
                violations.add(replays + " replays, but " + client.count(200) + " answers of 200 for " + executions
                        + " executions");
            }
            if (rejected != client.count(409)) {
                violations.add(rejected + " rejections in progress, but " + client.count(409) + " answers of 409");
            }
            if (keyReuse != client.count(422)) {
                violations.add(keyReuse + " key reuses, but " + client.count(422) + " answers of 422");
            }
            Map<String, Long> balances = accounts.snapshot();
            if (!balances.equals(expected)) {
                violations.add("balances " + balances + ", expected " + expected);
            }
            return new DemoReport(server.baseUri().toString(), scenarios, client.requestsSent(), client.statusCounts(),
                    transfers.executions(), orders.executions(), distinctKeys, replays, rejected, keyReuse,
                    balances, expected, violations);
        } finally {
            Idempotency.reset();
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
