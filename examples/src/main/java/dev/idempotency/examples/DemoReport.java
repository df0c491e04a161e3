package dev.idempotency.examples;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.stream.Collectors;

/**
 * What the demo saw, and which invariants it found broken (none, when the library works). Requests and statuses are
 * counted by the server, as it answered: an answer the proxy lost on the way is counted too.
 *
 * @param scenarios          one line per scenario: what was sent and what came back
 * @param requests           requests the server answered on its two idempotent endpoints
 * @param statusCounts       how many of them it answered with each status
 * @param transferExecutions times the transfer body really ran
 * @param orderExecutions    times the order body really ran
 * @param distinctKeys       distinct keys that should have run once each
 * @param replays            REPLAYED events: answered from the store without running
 * @param rejected           REJECTED events: refused because the same key was running (409)
 * @param keyReuse           KEY_REUSE events: the key came back with another payload (422)
 * @param signatures         what the server's verifier made of the signed transfers
 * @param lostAnswers        the transfers whose answers the proxy lost, and how the client got them back
 * @param balances           the ledger's final balances
 * @param expectedBalances   the balances with every accepted transfer applied exactly once
 * @param violations         the broken invariants; empty when all hold
 */
public record DemoReport(String server, List<String> scenarios, int requests, SortedMap<Integer, Integer> statusCounts,
        int transferExecutions, int orderExecutions, int distinctKeys, int replays, int rejected, int keyReuse,
        Signatures signatures, LostAnswers lostAnswers, Map<String, Long> balances, Map<String, Long> expectedBalances,
        List<String> violations) {

    /**
     * @param algorithm the algorithm the client signs with
     * @param verified  signed transfers accepted
     * @param refused   signed transfers refused (401), by reason
     */
    public record Signatures(String algorithm, int verified, SortedMap<String, Integer> refused) {

        public int refusedTotal() {
            return refused.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /**
     * @param lost     answers the proxy dropped after the server had answered
     * @param requests transfers sent through the proxy by {@code IdempotentHttpClient}
     * @param attempts the attempts the client reports for them, retries included
     * @param replayed answers the client got as replays ({@code Idempotent-Replayed: true})
     */
    public record LostAnswers(int lost, int requests, int attempts, int replayed) {
    }

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
        out.println("Idempotency demo: transfer service on " + server + " (in-memory store), transfers signed with "
                + signatures.algorithm());
        out.println();
        scenarios.forEach(s -> out.println("  " + s));
        out.println();
        row(out, "requests", requests + " answered by the server, " + lostAnswers.lost() + " of the answers lost"
                + " on the way");
        row(out, "executions", executions() + " (transfers " + transferExecutions + ", orders " + orderExecutions
                + ") for " + distinctKeys + " distinct keys");
        row(out, "replays", String.valueOf(replays));
        row(out, "rejections", rejected + " in progress (409), " + keyReuse + " key reuse (422), "
                + status(400) + " without key (400), " + signatures.refusedTotal() + " signature (401)");
        row(out, "signatures", signatures.verified() + " verified, " + signatures.refusedTotal() + " refused"
                + (signatures.refused().isEmpty() ? "" : signatures.refused().entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ", " (", ")"))));
        row(out, "lost answers", lostAnswers.lost() + " dropped by the proxy; the client sent " + lostAnswers.attempts()
                + " attempts for " + lostAnswers.requests() + " transfers, " + lostAnswers.replayed()
                + " answered as replays");
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
