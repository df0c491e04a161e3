package dev.idempotency.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs the demo's scenarios and checks the report's numbers, not just that it printed. */
class DemoTest {

    @BeforeEach
    void configure() {
        Idempotency.configure(IdempotencyConfig.builder().storeUri("memory:").build());
    }

    @AfterEach
    void reset() {
        Idempotency.reset();
    }

    @Test
    void everyInvariantHolds() throws Exception {
        DemoReport report = Demo.run();

        assertThat(report.violations()).isEmpty();
        assertThat(report.ok()).isTrue();

        // one execution per distinct key: transfer-0001, transfer-0002, ORD-1001
        assertThat(report.distinctKeys()).isEqualTo(3);
        assertThat(report.transferExecutions()).isEqualTo(2);
        assertThat(report.orderExecutions()).isEqualTo(1);

        // 2 sequential + 16 concurrent + 1 retry + 1 reused key + 1 without key + 2 orders
        int concurrent = Demo.CONCURRENT_REQUESTS;
        assertThat(report.requestsSent()).isEqualTo(2 + concurrent + 1 + 1 + 1 + 2);
        assertThat(report.statusCounts().keySet()).isSubsetOf(200, 400, 409, 422);
        assertThat(report.status(400)).isEqualTo(1);
        assertThat(report.status(422)).isEqualTo(1);
        assertThat(report.keyReuse()).isEqualTo(1);
        assertThat(report.status(200) + report.status(409)).isEqualTo(report.requestsSent() - 2);
        assertThat(report.rejected()).isEqualTo(report.status(409));
        assertThat(report.replays()).isEqualTo(report.status(200) - report.executions());
        // at least: the sequential retry, the retry after the burst and the resubmitted order replayed
        assertThat(report.replays()).isGreaterThanOrEqualTo(3);

        assertThat(report.balances())
                .isEqualTo(report.expectedBalances())
                .isEqualTo(Map.of("alice", 650L, "bob", 100L, "carol", 250L));
        assertThat(report.balances().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(1_000L);
        assertThat(report.scenarios()).hasSize(5);
    }

    @Test
    void theReportPrintsItsNumbers() throws Exception {
        DemoReport report = Demo.run();

        String printed = print(report);

        assertThat(printed)
                .contains("requests sent    " + report.requestsSent())
                .contains("executions       3 (transfers 2, orders 1) for 3 distinct keys")
                .contains("alice 650, bob 100, carol 250 (each transfer debited once)")
                .contains("invariants       all hold");
    }

    @Test
    void aBrokenInvariantIsReported() {
        DemoReport broken = new DemoReport("http://127.0.0.1:1", List.of(), 2, new TreeMap<>(Map.of(200, 2)), 2, 0, 1,
                0, 0, 0, Map.of("alice", 800L), Map.of("alice", 900L), List.of("transfers executed 2 times for 1 key"));

        assertThat(broken.ok()).isFalse();
        assertThat(print(broken)).contains("1 BROKEN").contains("transfers executed 2 times for 1 key")
                .contains("(expected {alice=900})");
    }

    private static String print(DemoReport report) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        report.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
