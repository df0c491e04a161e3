package dev.idempotency.examples.starter;

/** The body of {@code POST /api/transfers}: {@code {"from":"alice","to":"bob","amount":100}}. */
public record TransferRequest(String from, String to, long amount) {
}
