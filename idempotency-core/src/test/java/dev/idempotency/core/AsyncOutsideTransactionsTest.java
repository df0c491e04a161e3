package dev.idempotency.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.memory.MemoryStore;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An asynchronous result belongs to no transaction: not the caller's, not the completing thread's. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AsyncOutsideTransactionsTest {

    private static final ResultType<CompletableFuture<String>> ASYNC = new ResultType<>() {
    };

    private final IdempotencyRuntime runtime = IdempotencyRuntime.create(IdempotencyConfig.builder()
            .store(new MemoryStore(Clock.systemUTC(), 1_000)).build());
    private final AtomicInteger runs = new AtomicInteger();
    private final ExecutorService pool = Executors.newSingleThreadExecutor();

    @AfterEach
    void close() {
        pool.shutdownNow();
        runtime.close();
    }

    @Test
    void anAsyncResultCompletedInsideAnUnrelatedTransactionThatRollsBackStaysRecorded() throws Exception {
        CompletableFuture<String> charge = new CompletableFuture<>();
        CompletableFuture<String> got = runtime.call("async.charge", "k-unrelated", ASYNC).payload("p").run(() -> {
            runs.incrementAndGet();
            return charge;
        });
        // the gateway's callback completes the charge on a thread that is inside another request's transaction,
        // whose own work then fails: that rollback must not give this charge's key up
        assertThatThrownBy(() -> pool.submit(() -> IdempotencyTransaction.execute(() -> {
            charge.complete("charged#1");
            throw new IllegalStateException("the consumer's own work failed");
        }, () -> { })).get(10, TimeUnit.SECONDS)).hasRootCauseMessage("the consumer's own work failed");
        assertThat(got.get(10, TimeUnit.SECONDS)).isEqualTo("charged#1");
        CompletableFuture<String> retry = runtime.call("async.charge", "k-unrelated", ASYNC).payload("p").run(() -> {
            runs.incrementAndGet();
            return CompletableFuture.completedFuture("charged#2");
        });
        assertThat(retry.get(10, TimeUnit.SECONDS)).isEqualTo("charged#1");
        assertThat(runs).as("charged once").hasValue(1);
    }

    @Test
    void transactionsDoNotNest() throws Exception {
        assertThatThrownBy(() -> IdempotencyTransaction.execute(
                () -> IdempotencyTransaction.execute(() -> "inner", () -> { }), () -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("do not nest");
        // and the outer scope was unbound when it failed
        assertThat(IdempotencyTransaction.execute(() -> "again", () -> { })).isEqualTo("again");
    }
}
