package dev.idempotency.benchmarks.jdbc;

/** What a payment returns; stored as JSON and replayed. */
public record Payment(String paymentId, long amountCents, String currency) {
}
