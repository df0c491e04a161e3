package dev.idempotency.examples;

import java.util.List;

/** The body of {@code POST /api/orders}; {@code orderNo} is the business key the client chose. */
public record OrderRequest(String orderNo, String customer, List<OrderLine> lines) {
}
