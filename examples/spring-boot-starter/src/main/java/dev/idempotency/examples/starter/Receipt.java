package dev.idempotency.examples.starter;

import java.time.Instant;

/**
 * What a transfer answers. Every execution makes a new one (a new id, a new time), so a replayed receipt equal to the
 * first proves that the transfer did not run again.
 */
public record Receipt(String transferId, String from, String to, long amount, long fromBalanceAfter,
        Instant executedAt) {
}
