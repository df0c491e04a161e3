package dev.idempotency.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.core.Idempotency;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Runs the demo's scenarios over loopback HTTP and checks the report's numbers, not just that it printed. */
class DemoTest {

    private static DemoReport report;

    @BeforeAll
    static void runTheDemo() throws Exception {
        report = Demo.run();
    }

    @AfterEach
    void reset() {
        Idempotency.reset();
    }

    @Test
    void everyInvariantHolds() {
        assertThat(report.violations()).isEmpty();
        assertThat(report.ok()).isTrue();

        // one execution per distinct key: transfer-0001, transfer-0002, ORD-1001 and the two whose answers were lost
        assertThat(report.distinctKeys()).isEqualTo(5);
        assertThat(report.transferExecutions()).isEqualTo(4);
        assertThat(report.orderExecutions()).isEqualTo(1);

        // 2 sequential + 16 concurrent + 1 retry + 1 reused key + 1 without key + 2 orders
        // + 2 lost answers x 2 attempts + 1 captured copy + 1 signed too long ago
        int concurrent = Demo.CONCURRENT_REQUESTS;
        assertThat(report.requests()).isEqualTo(2 + concurrent + 1 + 1 + 1 + 2 + 4 + 1 + 1);
        assertThat(report.statusCounts().keySet()).isSubsetOf(200, 400, 401, 409, 422);
        assertThat(report.status(400)).isEqualTo(1);
        assertThat(report.status(401)).isEqualTo(2);
        assertThat(report.status(422)).isEqualTo(1);
        assertThat(report.keyReuse()).isEqualTo(1);
        assertThat(report.status(200) + report.status(409)).isEqualTo(report.requests() - 4);
        assertThat(report.rejected()).isEqualTo(report.status(409));
        assertThat(report.replays()).isEqualTo(report.status(200) - report.executions());
        // at least: the sequential retry, the retry after the burst, the resubmitted order and both lost answers
        assertThat(report.replays()).isGreaterThanOrEqualTo(5);

        assertThat(report.balances())
                .isEqualTo(report.expectedBalances())
                .isEqualTo(Map.of("alice", 610L, "bob", 125L, "carol", 265L));
        assertThat(report.balances().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(1_000L);
        assertThat(report.scenarios()).hasSize(8);
    }

    @Test
    void aLostAnswerIsRecoveredByOneRetryThatReplaysIt() {
        DemoReport.LostAnswers lost = report.lostAnswers();

        assertThat(lost.requests()).isEqualTo(Demo.LOST_ANSWERS.size()).isEqualTo(2);
        assertThat(lost.lost()).isEqualTo(2);
        assertThat(lost.attempts()).isEqualTo(4);
        assertThat(lost.replayed()).isEqualTo(2);
        assertThat(report.scenarios().get(5))
                .startsWith("answer lost by a proxy, retried")
                .contains("200 x2").contains("4 attempts for 2 transfers, 2 replayed, 2 executions");
    }

    @Test
    void everyTransferWasSignedAndOnlyTheReplayAndTheStaleOneWereRefused() {
        DemoReport.Signatures signatures = report.signatures();

        assertThat(signatures.algorithm()).isEqualTo("hmac-sha256");
        // every transfer but the two refused: 21 through ApiClient, 4 attempts through the proxy
        assertThat(signatures.verified()).isEqualTo(25);
        assertThat(signatures.refused()).containsExactly(Map.entry("NONCE_REUSED", 1), Map.entry("OUTSIDE_WINDOW", 1));
        assertThat(report.scenarios().get(6)).startsWith("captured request sent again")
                .contains("401").contains("NONCE_REUSED, did not reach the service");
        assertThat(report.scenarios().get(7)).startsWith("signed three minutes ago")
                .contains("401").contains("OUTSIDE_WINDOW, not retried, did not run");
    }

    @Test
    void theReportPrintsItsNumbers() {
        String printed = print(report);

        assertThat(printed)
                .contains("transfers signed with hmac-sha256")
                .contains("requests         " + report.requests() + " answered by the server, 2 of the answers lost")
                .contains("executions       5 (transfers 4, orders 1) for 5 distinct keys")
                .contains("signatures       25 verified, 2 refused (NONCE_REUSED 1, OUTSIDE_WINDOW 1)")
                .contains("lost answers     2 dropped by the proxy; the client sent 4 attempts for 2 transfers,"
                        + " 2 answered as replays")
                .contains("alice 610, bob 125, carol 265 (each transfer debited once)")
                .contains("invariants       all hold");
    }

    @Test
    void withoutVerificationTheCopyAndTheStaleRequestGetThroughAndTheReportSaysSo() throws Exception {
        DemoReport unverified = Demo.run(false);

        assertThat(unverified.ok()).isFalse();
        assertThat(unverified.violations())
                .anySatisfy(v -> assertThat(v).startsWith("captured request sent again answered 200 instead of 401"))
                .anySatisfy(v -> assertThat(v).startsWith("transfer signed three minutes ago answered 200"))
                .anySatisfy(v -> assertThat(v).startsWith("signatures refused {}"))
                .anySatisfy(v -> assertThat(v).startsWith("balances {alice=540"));
        // the copy carried the same key, so even unverified it moved nothing; the stale one moved 70
        assertThat(unverified.transferExecutions()).isEqualTo(5);
        assertThat(unverified.lostAnswers()).isEqualTo(new DemoReport.LostAnswers(2, 2, 4, 2));
        assertThat(print(unverified)).contains("BROKEN");
    }

    @Test
    void aBrokenInvariantIsReported() {
        DemoReport broken = new DemoReport("http://127.0.0.1:1", List.of(), 2, new TreeMap<>(Map.of(200, 2)), 2, 0, 1,
                0, 0, 0, new DemoReport.Signatures("hmac-sha256", 1, new TreeMap<>(Map.of("NONCE_REUSED", 1))),
                new DemoReport.LostAnswers(1, 1, 1, 0), Map.of("alice", 800L), Map.of("alice", 900L),
                List.of("transfers executed 2 times for 1 key"));

        assertThat(broken.ok()).isFalse();
        assertThat(print(broken)).contains("1 BROKEN").contains("transfers executed 2 times for 1 key")
                .contains("(expected {alice=900})").contains("1 verified, 1 refused (NONCE_REUSED 1)")
                .contains("the client sent 1 attempts for 1 transfers, 0 answered as replays");
    }

    private static String print(DemoReport report) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        report.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
