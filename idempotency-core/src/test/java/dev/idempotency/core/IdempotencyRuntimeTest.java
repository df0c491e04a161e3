package dev.idempotency.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.IdempotencyInProgressException;
import dev.idempotency.IdempotencyKeyException;
import dev.idempotency.IdempotencyKeyReuseException;
import dev.idempotency.OnInProgress;
import dev.idempotency.memory.MemoryStore;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The runtime as an object, and the programmatic API on it: the annotation's semantics without an annotation. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IdempotencyRuntimeTest {

    record Transfer(String requestId, String to, BigDecimal amount) {
    }

    record Receipt(String id, BigDecimal amount) {
    }

    static final class Declined extends Exception {
        private static final long serialVersionUID = 1L;

        public Declined(String message) {
            super(message);
        }
    }

    private final IdempotencyRuntime runtime = runtime();
    private final AtomicInteger runs = new AtomicInteger();

    private static IdempotencyRuntime runtime() {
        return IdempotencyRuntime.create(IdempotencyConfig.builder()
                .store(new MemoryStore(Clock.systemUTC(), 1_000)).build());
    }

    @AfterEach
    void close() {
        runtime.close();
        Idempotency.reset();
    }

    private Receipt transfer(Transfer t) {
        return new Receipt("r-" + runs.incrementAndGet(), t.amount());
    }

    @Test
    void aBodyRunsOncePerKeyAndLaterCallsGetAnEqualCopy() {
        Transfer t = new Transfer("k1", "bob", new BigDecimal("5.00"));
        Receipt first = runtime.call("payments.transfer", t.requestId(), Receipt.class).payload(t).run(() -> transfer(t));
        Receipt again = runtime.call("payments.transfer", t.requestId(), Receipt.class).payload(t).run(() -> transfer(t));
        assertThat(again).isEqualTo(first);
        assertThat(runs).hasValue(1);
        // another namespace is another record
        runtime.call("payments.refund", t.requestId(), Receipt.class).payload(t).run(() -> transfer(t));
        assertThat(runs).hasValue(2);
    }

    @Test
    void genericResultsRoundTripByTheirDeclaredType() {
        ResultType<List<Map<String, Receipt>>> type = new ResultType<>() {
        };
        List<Map<String, Receipt>> first = runtime.call("orders.list", "g1", type)
                .run(() -> List.of(Map.of("a", new Receipt("x", BigDecimal.ONE))));
        List<Map<String, Receipt>> replay = runtime.call("orders.list", "g1", type).run(() -> {
            throw new AssertionError("must not run");
        });
        assertThat(replay).isEqualTo(first);
        assertThat(replay.get(0).get("a")).isInstanceOf(Receipt.class);
    }

    @Test
    void anotherPayloadUnderTheSameKeyIsRefusedAndWithoutAPayloadTheCheckIsOff() {
        Transfer t = new Transfer("k2", "bob", BigDecimal.TEN);
        runtime.call("payments.transfer", "k2", Receipt.class).payload(t).run(() -> transfer(t));
        Transfer other = new Transfer("k2", "mallory", BigDecimal.TEN);
        assertThatThrownBy(() -> runtime.call("payments.transfer", "k2", Receipt.class).payload(other)
                .run(() -> transfer(other))).isInstanceOf(IdempotencyKeyReuseException.class).hasMessageContaining("k2");
        assertThat(runs).hasValue(1);
        runtime.call("jobs.nightly", "2026-12-03", Receipt.class).run(() -> transfer(t));
        runtime.call("jobs.nightly", "2026-12-03", Receipt.class).run(() -> transfer(other));
        assertThat(runs).hasValue(2);
    }

    @Test
    void aBadKeyIsRefusedBeforeTheBodyRuns() {
        for (String bad : new String[] {null, " ", "a\u0000b", "x\uD800", "k".repeat(256)}) {
            assertThatThrownBy(() -> runtime.call("ns", bad, String.class).run(() -> "ran-" + runs.incrementAndGet()))
                    .as(String.valueOf(bad)).isInstanceOf(IdempotencyKeyException.class)
                    .hasMessageContaining("namespace 'ns'");
        }
        assertThat(runs).hasValue(0);
        assertThatThrownBy(() -> runtime.call(" ", "k", String.class)).isInstanceOf(IdempotencyConfigurationException.class);
    }

    @Test
    void aResultTypeThatCannotBeReadBackIsRefusedBeforeTheBodyRuns() {
        assertThatThrownBy(() -> runtime.call("ns", "k", Object.class).run(() -> runs.incrementAndGet()))
                .isInstanceOf(IdempotencyConfigurationException.class).hasMessageContaining("Object");
        assertThat(runs).hasValue(0);
    }

    @Test
    void rejectOrWaitWhileTheFirstCallRuns() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> runtime.call("slow", "w1", String.class)
                .run(() -> {
                    entered.countDown();
                    await(release);
                    return "done-" + runs.incrementAndGet();
                }));
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> runtime.call("slow", "w1", String.class).run(() -> "second"))
                .isInstanceOf(IdempotencyInProgressException.class);
        CompletableFuture<String> waiter = CompletableFuture.supplyAsync(() -> runtime.call("slow", "w1", String.class)
                .onInProgress(OnInProgress.WAIT).run(() -> "waiter ran"));
        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("done-1");
        assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo("done-1");
        assertThat(runs).hasValue(1);
    }

    @Test
    void rememberedCheckedExceptionsAreReplayedAndOthersGiveTheKeyUp() throws Exception {
        assertThatThrownBy(() -> runtime.call("debit", "d1", String.class).remember(Declined.class).call(() -> {
            runs.incrementAndGet();
            throw new Declined("insufficient funds");
        })).isInstanceOf(Declined.class).hasMessage("insufficient funds");
        assertThatThrownBy(() -> runtime.call("debit", "d1", String.class).remember(Declined.class)
                .call(() -> "would succeed now")).isInstanceOf(Declined.class).hasMessage("insufficient funds");
        assertThat(runs).hasValue(1);

        assertThatThrownBy(() -> runtime.call("debit", "d2", String.class).run(() -> {
            runs.incrementAndGet();
            throw new IllegalStateException("timeout");
        })).hasMessage("timeout");
        assertThat(runtime.call("debit", "d2", String.class).run(() -> "ok-" + runs.incrementAndGet())).isEqualTo("ok-3");
    }

    @Test
    void voidBodies() {
        runtime.call("touch", "v1", Void.class).run(() -> {
            runs.incrementAndGet();
            return null;
        });
        runtime.call("touch", "v1", Void.class).run(() -> {
            runs.incrementAndGet();
            return null;
        });
        assertThat(runs).hasValue(1);
    }

    @Test
    void runtimesSideBySideKeepTheirOwnRecordsAndCloseApart() {
        try (IdempotencyRuntime other = runtime()) {
            runtime.call("ns", "same", String.class).run(() -> "a-" + runs.incrementAndGet());
            other.call("ns", "same", String.class).run(() -> "b-" + runs.incrementAndGet());
            assertThat(runs).as("separate stores: each ran once").hasValue(2);
        }
        assertThat(runtime.call("ns", "same", String.class).run(() -> "never")).isEqualTo("a-1");
    }

    @Test
    void theProcessWideRuntimeFollowsConfigureAndIsNotClosedByItsUsers() {
        Idempotency.configure(IdempotencyConfig.builder().store(new MemoryStore(Clock.systemUTC(), 100)).build());
        IdempotencyRuntime shared = Idempotency.runtime();
        assertThat(shared.call("ns", "p1", String.class).run(() -> "p-" + runs.incrementAndGet())).isEqualTo("p-1");
        assertThat(shared.call("ns", "p1", String.class).run(() -> "p-" + runs.incrementAndGet())).isEqualTo("p-1");
        assertThatThrownBy(shared::close).isInstanceOf(UnsupportedOperationException.class);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
