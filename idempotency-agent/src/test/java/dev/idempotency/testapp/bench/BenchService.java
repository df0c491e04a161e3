package dev.idempotency.testapp.bench;

import dev.idempotency.Idempotent;
import dev.idempotency.testkit.fixtures.Types.Receipt;
import dev.idempotency.testkit.fixtures.Types.TransferRequest;
import java.time.Instant;

/** The measured method, compiled without weaving: the agent or the AspectJ weaver makes it idempotent at load time. */
public class BenchService {

    private static final Instant AT = Instant.parse("2026-03-01T10:15:30.123Z");

    public long runs;

    @Idempotent(key = "#req.requestId")
    public Receipt transfer(TransferRequest req) {
        runs++;
        return new Receipt("tx-" + runs, req.from(), req.to(), req.amount(), AT);
    }
}
