package dev.idempotency.examples.springboot;

/** The body of {@code POST /api/transfer}: {@code {"from":"alice","to":"bob","amount":100}}. */
public record TransferRequest(String from, String to, long amount) {
}
