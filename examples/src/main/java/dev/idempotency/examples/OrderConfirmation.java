package dev.idempotency.examples;

import java.time.Instant;

/** What placing an order answers; each execution makes a new confirmation id. */
public record OrderConfirmation(String confirmationId, String orderNo, String customer, int items, long total,
        Instant placedAt) {
}
