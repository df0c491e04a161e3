package dev.idempotency.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.IdempotencyKeyReuseException;
import dev.idempotency.IdempotencyStoreException;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.core.IdempotencyRuntime;
import dev.idempotency.memory.MemoryStore;
import dev.idempotency.testkit.ControllableStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The metrics of a real runtime over the in-memory store, read back from a registry; no Spring. */
class IdempotencyMetricsTest {

    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final IdempotencyMetrics metrics = new IdempotencyMetrics();
    private IdempotencyRuntime runtime;

    @BeforeEach
    void start() {
        metrics.bindTo(registry);
        runtime = IdempotencyRuntime.create(IdempotencyConfig.builder()
                .store(metrics.instrument(new MemoryStore()))
                .listener(metrics)
                .build());
    }

    @AfterEach
    void stop() {
        runtime.close();
    }

    private double calls(String namespace, String outcome) {
        var counter = registry.find(IdempotencyMetrics.CALLS).tag("namespace", namespace).tag("outcome", outcome)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void countsEachOutcomeByNamespace() {
        AtomicInteger runs = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            runtime.call("payments.pay", "k1", Integer.class).payload("a").run(runs::incrementAndGet);
        }
        assertThatThrownBy(() -> runtime.call("payments.pay", "k1", Integer.class).payload("b")
                .run(runs::incrementAndGet)).isInstanceOf(IdempotencyKeyReuseException.class);
        runtime.call("orders.place", "k1", Integer.class).payload("a").run(runs::incrementAndGet);

        assertThat(runs).hasValue(2);
        assertThat(calls("payments.pay", "executed")).isEqualTo(1);
        assertThat(calls("payments.pay", "replayed")).isEqualTo(2);
        assertThat(calls("payments.pay", "key_reuse")).isEqualTo(1);
        assertThat(calls("orders.place", "executed")).isEqualTo(1);
        assertThat(calls("orders.place", "replayed")).isZero();
    }

    @Test
    void timesEveryStoreOperationAndCountsHeldClaims() {
        int[] heldInside = new int[1];
        runtime.call("payments.pay", "k2", String.class).run(() -> {
            heldInside[0] = (int) registry.get(IdempotencyMetrics.CLAIMS_HELD).gauge().value();
            return "done";
        });
        assertThat(heldInside[0]).as("held while the body runs").isEqualTo(1);
        assertThat(registry.get(IdempotencyMetrics.CLAIMS_HELD).gauge().value()).as("after").isZero();
        assertThat(registry.get(IdempotencyMetrics.STORE).tag("operation", "claim").timer().count()).isEqualTo(1);
        assertThat(registry.get(IdempotencyMetrics.STORE).tag("operation", "complete").timer().count())
                .isEqualTo(1);

        assertThatThrownBy(() -> runtime.call("payments.pay", "k3", String.class).run(() -> {
            throw new IllegalStateException("declined");
        })).hasMessage("declined");
        assertThat(registry.get(IdempotencyMetrics.STORE).tag("operation", "release").timer().count())
                .isEqualTo(1);
        assertThat(metrics.claimsHeld()).isZero();
    }

    @Test
    void aFailingStoreIsCountedAsAStoreErrorAndItsTimerTaggedWithTheError() {
        ControllableStore broken = new ControllableStore(new MemoryStore());
        broken.down = true;
        try (IdempotencyRuntime failing = IdempotencyRuntime.create(IdempotencyConfig.builder()
                .store(metrics.instrument(broken)).listener(metrics).build())) {
            assertThatThrownBy(() -> failing.call("payments.pay", "k4", String.class).run(() -> "never"))
                    .isInstanceOf(IdempotencyStoreException.class);
        }
        assertThat(calls("payments.pay", "store_error")).isEqualTo(1);
        assertThat(registry.get(IdempotencyMetrics.STORE).tag("operation", "claim")
                .tag("error", "IdempotencyStoreException").timer().count()).isEqualTo(1);
    }
}
