package dev.idempotency.examples.springboot;

import dev.idempotency.Idempotent;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/** Moves money, once per {@code Idempotency-Key} header of the request being served. */
@Service
public class TransferService {

    private final Accounts accounts;
    private final Duration latency;
    private final AtomicInteger executions = new AtomicInteger();

    /**
     * @param latency how long a transfer takes, standing in for a slow downstream call, so that concurrent duplicates
     *                overlap ({@code transfer.latency}, default 200 ms)
     */
    public TransferService(Accounts accounts, @Value("${transfer.latency:PT0.2S}") Duration latency) {
        this.accounts = accounts;
        this.latency = latency;
    }

    /**
     * Runs once per key: a repeat with the same request replays the first receipt, a concurrent one is refused while
     * the first runs, and a missing or blank key is refused before the body runs.
     */
    @Idempotent(key = "#headers['Idempotency-Key']")
    public Receipt transfer(TransferRequest request) {
        int n = executions.incrementAndGet();
        pause();
        accounts.move(request.from(), request.to(), request.amount());
        return new Receipt("tx-" + n, request.from(), request.to(), request.amount(),
                accounts.balance(request.from()), Instant.now());
    }

    private void pause() {
        try {
            Thread.sleep(latency.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
