package dev.idempotency.examples;

import dev.idempotency.Idempotent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Places orders, keyed by the order number in the body: no header needed. */
public class OrderService {

    private final Duration latency;
    private final AtomicInteger executions = new AtomicInteger();

    public OrderService(Duration latency) {
        this.latency = latency;
    }

    @Idempotent(key = "#order.orderNo")
    public OrderConfirmation place(OrderRequest order) {
        int n = executions.incrementAndGet();
        List<OrderLine> lines = order.lines() == null ? List.of() : order.lines();
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("an order needs at least one line");
        }
        TransferService.pause(latency);
        int items = lines.stream().mapToInt(OrderLine::quantity).sum();
        long total = lines.stream().mapToLong(l -> l.quantity() * l.unitPrice()).sum();
        return new OrderConfirmation("conf-" + n, order.orderNo(), order.customer(), items, total, Instant.now());
    }

    /** How many times the body of {@link #place} really ran. */
    public int executions() {
        return executions.get();
    }
}
