package dev.idempotency.examples.routes;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Creates payments: {@code 201 Created} with a {@code Location}, {@code 400} for an amount that is not positive, and a
 * failure (500) when the payee is {@code "unreachable-bank"}. Every POST that gets this far counts as an execution.
 */
@RestController
@RequestMapping("/api/payments")
public class PaymentsController {

    /** The request body. */
    public record PaymentRequest(String to, long amount) {
    }

    /** A created payment. */
    public record Payment(String id, String to, long amount) {
    }

    private final Map<String, Payment> payments = new ConcurrentHashMap<>();
    private final AtomicInteger executions = new AtomicInteger();
    private final Duration latency;

    /** @param latency how long a payment takes, so that concurrent duplicates overlap ({@code payments.latency}) */
    public PaymentsController(@Value("${payments.latency:PT0.2S}") Duration latency) {
        this.latency = latency;
    }

    @PostMapping
    public ResponseEntity<?> create(@RequestBody PaymentRequest request) throws InterruptedException {
        int n = executions.incrementAndGet();
        if (request.amount() <= 0) {
            return ResponseEntity.badRequest().body(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                    "the amount must be positive"));
        }
        Thread.sleep(latency.toMillis());
        if ("unreachable-bank".equals(request.to())) {
            throw new IllegalStateException("the payee's bank did not answer");
        }
        Payment payment = new Payment("pay-" + n, request.to(), request.amount());
        payments.put(payment.id(), payment);
        return ResponseEntity.created(URI.create("/api/payments/" + payment.id())).body(payment);
    }

    @GetMapping("/{id}")
    public ResponseEntity<Payment> get(@PathVariable String id) {
        Payment payment = payments.get(id);
        return payment == null ? ResponseEntity.notFound().build() : ResponseEntity.ok(payment);
    }

    /** How many POSTs reached this controller. */
    @GetMapping("/executions")
    public int executions() {
        return executions.get();
    }
}
