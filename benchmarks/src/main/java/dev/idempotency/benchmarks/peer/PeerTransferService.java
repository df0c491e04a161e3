package dev.idempotency.benchmarks.peer;

import dev.idempotency.benchmarks.Receipt;
import dev.idempotency.benchmarks.TransferRequest;
import dev.idempotency.benchmarks.TransferService;

/**
 * {@link dev.idempotency.benchmarks.TransferService#transfer} as the peer serves it: the same body, made idempotent
 * by {@link PeerIdempotencyInterceptor} through a Spring AOP proxy. This package is left out of the build's weaving
 * ({@code benchmarks/weaving.xml}); the class is plain.
 */
public class PeerTransferService {

    private long executions;

    @PeerIdempotent(key = "#request.requestId")
    public Receipt transfer(TransferRequest request) {
        executions++;
        return TransferService.accept(request);
    }

    /** How many times the body ran on this instance. */
    public long executions() {
        return executions;
    }
}
