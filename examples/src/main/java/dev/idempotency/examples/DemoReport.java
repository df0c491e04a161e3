package dev.idempotency.examples;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.stream.Collectors;

/**
 * What the demo saw, and which invariants it found broken (none, when the library works).
 *
 * @param scenarios         one line per scenario: what was sent and what came back
 * @param requestsSent      HTTP requests to the two idempotent endpoints
 * @param statusCounts      how many of them answered each status
 * @param transferExecutions times the transfer body really ran
 * @param orderExecutions   times the order body really ran
 * @param distinctKeys      distinct keys that should have run once each
 * @param replays           REPLAYED events: answered from the store without running
 * @param rejected          REJECTED events: refused because the same key was running (409)
 * @param keyReuse          KEY_REUSE events: the key came back with another payload (422)
 * @param balances          the ledger's final balances
 * @param expectedBalances  the balances with every accepted transfer applied exactly once
 * @param violations        the broken invariants; empty when all hold
 */
public record DemoReport(String server, List<String> scenarios, int requestsSent, SortedMap<Integer, Integer> statusCounts,
        int transferExecutions, int orderExecutions, int distinctKeys, int replays, int rejected, int keyReuse,
        Map<String, Long> balances, Map<String, Long> expectedBalances, List<String> violations) {

    public boolean ok() {
        return violations.isEmpty();
    }

    public int executions() {
        return transferExecutions + orderExecutions;
    }

    public int status(int code) {
        return statusCounts.getOrDefault(code, 0);
    }

    public void print(PrintStream out) {
        out.println("Idempotency demo: transfer service on " + server + " (in-memory store)");
        out.println();
        scenarios.forEach(s -> out.println("  " + s));
        out.println();
        row(out, "requests sent", String.valueOf(requestsSent));
        row(out, "executions", executions() + " (transfers " + transferExecutions + ", orders " + orderExecutions
                + ") for " + distinctKeys + " distinct keys");
        row(out, "replays", String.valueOf(replays));
        row(out, "rejections", rejected + " in progress (409), " + keyReuse + " key reuse (422), "
                + status(400) + " without key (400)");
        row(out, "HTTP statuses", statusCounts.entrySet().stream()
                .map(e -> e.getKey() + " x" + e.getValue()).collect(Collectors.joining(", ")));
        row(out, "final balances", balances.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "))
                + (balances.equals(expectedBalances) ? " (each transfer debited once)" : " (expected " + expectedBalances + ")"));
        if (ok()) {
            row(out, "invariants", "all hold");
        } else {
            row(out, "invariants", violations.size() + " BROKEN");
            violations.forEach(v -> out.println("  - " + v));
        }
    }

    private static void row(PrintStream out, String name, String value) {
        out.printf("%-16s %s%n", name, value);
    }
}
