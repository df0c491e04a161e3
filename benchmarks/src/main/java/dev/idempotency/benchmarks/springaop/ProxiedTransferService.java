package dev.idempotency.benchmarks.springaop;

import dev.idempotency.Idempotent;
import dev.idempotency.benchmarks.Receipt;
import dev.idempotency.benchmarks.TransferRequest;
import dev.idempotency.benchmarks.TransferService;

/**
 * {@link dev.idempotency.benchmarks.TransferService#transfer} as a Spring bean made idempotent by the starter's
 * advisor instead of the aspect: the same annotation and the same body. This package is left out of the build's
 * weaving ({@code benchmarks/weaving.xml}), so the call goes through the Spring AOP proxy alone; the benchmark checks
 * that at start.
 */
public class ProxiedTransferService {

    private long executions;

    /** Idempotent by request id through the Spring AOP proxy; the payload check covers all arguments. */
    @Idempotent(key = "#request.requestId")
    public Receipt transfer(TransferRequest request) {
        return execute(request);
    }

    /** How many times the body ran on this instance. */
    public long executions() {
        return executions;
    }

    private Receipt execute(TransferRequest request) {
        executions++;
        return TransferService.accept(request);
    }
}
