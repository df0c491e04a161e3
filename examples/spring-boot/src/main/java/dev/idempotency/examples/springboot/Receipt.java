package dev.idempotency.examples.springboot;

import java.time.Instant;

/**
 * What a transfer answers. Every execution makes a new one (a new id, a new timestamp, the balance it left), so a
 * replayed receipt that equals the first proves that the transfer did not run again.
 */
public record Receipt(String transferId, String from, String to, long amount, long fromBalanceAfter,
        Instant executedAt) {
}
