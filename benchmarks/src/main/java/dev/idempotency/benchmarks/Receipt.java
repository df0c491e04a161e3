package dev.idempotency.benchmarks;

/** The result of the benchmarked call: a small record built from the request. */
public record Receipt(String requestId, String fromAccount, String toAccount, long amountCents, long feeCents,
                      String currency, String status) {
}
