package dev.idempotency.examples;

/** One line of an order: a product, how many, the price of one in whole currency units. */
public record OrderLine(String sku, int quantity, long unitPrice) {
}
