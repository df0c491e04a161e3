package dev.idempotency.benchmarks;

/** The argument of the benchmarked call: a small request record, as a service method would take it. */
public record TransferRequest(String requestId, String fromAccount, String toAccount, long amountCents,
                              String currency) {
}
