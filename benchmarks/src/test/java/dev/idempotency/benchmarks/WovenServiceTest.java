package dev.idempotency.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The build wove the benchmarked service: the idempotent entry point deduplicates, the others do not. */
class WovenServiceTest {

    @BeforeEach
    void configure() {
        Idempotency.configure(IdempotencyConfig.builder().storeUri("memory:?maxEntries=1000").build());
    }

    @AfterEach
    void reset() {
        Idempotency.reset();
    }

    @Test
    void theIdempotentMethodRunsOncePerKey() {
        TransferService service = new TransferService();
        TransferRequest request = IdempotentCallBenchmark.request("test-1");

        Receipt first = service.transfer(request);
        Receipt again = service.transfer(request);
        service.transfer(IdempotentCallBenchmark.request("test-2"));

        assertEquals(2, service.executions());
        assertEquals(first, again);
    }

    @Test
    void thePlainAndPassThroughMethodsRunEveryTime() {
        TransferService service = new TransferService();
        TransferRequest request = IdempotentCallBenchmark.request("test-3");

        service.transferPlain(request);
        service.transferPlain(request);
        service.transferPassthrough(request);
        service.transferPassthrough(request);

        assertEquals(4, service.executions());
    }
}
