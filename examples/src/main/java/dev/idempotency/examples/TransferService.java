package dev.idempotency.examples;

import dev.idempotency.Idempotent;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/** Moves money between accounts. The HTTP layer passes the {@code Idempotency-Key} header in as it is. */
public class TransferService {

    private final Accounts accounts;
    private final Duration latency;
    private final AtomicInteger executions = new AtomicInteger();

    /**
     * @param latency how long each transfer takes, standing in for a slow downstream call; it makes concurrent
     *                duplicates overlap
     */
    public TransferService(Accounts accounts, Duration latency) {
        this.accounts = accounts;
        this.latency = latency;
    }

    /**
     * A missing header means a null key, which the library refuses with {@code IdempotencyKeyException} before the
     * body runs; a key seen before with the same request replays the first receipt.
     */
    @Idempotent(key = "#idempotencyKey")
    public Receipt transfer(String idempotencyKey, TransferRequest request) {
        int n = executions.incrementAndGet();
        if (request.from() == null || request.to() == null) {
            throw new IllegalArgumentException("'from' and 'to' are required");
        }
        pause(latency);
        accounts.move(request.from(), request.to(), request.amount());
        return new Receipt("tx-" + n, request.from(), request.to(), request.amount(),
                accounts.balance(request.from()), Instant.now());
    }

    /** How many times the body of {@link #transfer} really ran. */
    public int executions() {
        return executions.get();
    }

    static void pause(Duration latency) {
        try {
            Thread.sleep(latency.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
