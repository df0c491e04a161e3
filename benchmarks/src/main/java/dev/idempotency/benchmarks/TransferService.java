package dev.idempotency.benchmarks;

import dev.idempotency.Idempotent;

/**
 * The benchmarked service: three entry points with the same body, one plain, one {@code @Idempotent} (woven with the
 * library's aspect at build time) and one woven with {@link PassthroughAspect}. Each instance counts how often the
 * body ran, so that the benchmarks can check that the woven method really deduplicates.
 */
public class TransferService {

    private long executions;

    /** The baseline: the body, nothing else. */
    public Receipt transferPlain(TransferRequest request) {
        return execute(request);
    }

    /** The same body, idempotent by request id; the payload check covers all arguments (the default). */
    @Idempotent(key = "#request.requestId")
    public Receipt transfer(TransferRequest request) {
        return execute(request);
    }

    /** The same body, woven with an around advice that does nothing but proceed. */
    @Passthrough
    public Receipt transferPassthrough(TransferRequest request) {
        return execute(request);
    }

    /** The body's work, which every benchmarked service runs: a receipt for the request. */
    public static Receipt accept(TransferRequest request) {
        long fee = Math.max(25, request.amountCents() / 1_000);
        return new Receipt(request.requestId(), request.fromAccount(), request.toAccount(), request.amountCents(),
                fee, request.currency(), "ACCEPTED");
    }

    /** How many times the body ran on this instance. */
    public long executions() {
        return executions;
    }

    private Receipt execute(TransferRequest request) {
        executions++;
        return accept(request);
    }
}
