package dev.idempotency.examples.starter;

import dev.idempotency.Idempotent;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Moves money, once per {@code Idempotency-Key}. The starter's advisor runs the call inside the transaction, and the
 * JDBC store writes the key's record on the transaction's connection: the record and the balances commit together,
 * or neither does.
 */
@Service
public class TransferService {

    private final Accounts accounts;
    private final JdbcTemplate jdbc;
    private final Duration latency;

    /**
     * @param latency how long a transfer takes, standing in for a slow downstream call, so that concurrent duplicates
     *                overlap ({@code transfer.latency}, default 100 ms)
     */
    public TransferService(Accounts accounts, JdbcTemplate jdbc,
                           @Value("${transfer.latency:PT0.1S}") Duration latency) {
        this.accounts = accounts;
        this.jdbc = jdbc;
        this.latency = latency;
    }

    /** The key is the request's {@code Idempotency-Key} header, which the starter's servlet filter exposes. */
    @Transactional
    @Idempotent(key = "#headers['Idempotency-Key']", namespace = "transfers")
    public Receipt transfer(TransferRequest request) {
        pause();
        long after = accounts.move(request.from(), request.to(), request.amount());
        Receipt receipt = new Receipt(UUID.randomUUID().toString(), request.from(), request.to(), request.amount(),
                after, Instant.now());
        jdbc.update("INSERT INTO transfers (id, from_id, to_id, amount, executed_at) VALUES (?, ?, ?, ?, ?)",
                receipt.transferId(), receipt.from(), receipt.to(), receipt.amount(),
                java.sql.Timestamp.from(receipt.executedAt()));
        return receipt;
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
