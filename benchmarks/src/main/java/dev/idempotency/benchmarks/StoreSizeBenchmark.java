package dev.idempotency.benchmarks;

import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.memory.MemoryStore;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Whether a woven call's cost depends on how many records the in-memory store holds: a store of {@code liveRecords}
 * bound, filled to it before measuring, then a first execution (a new key, which evicts one) and a replay of a key
 * recorded at the start (replayed on every call, so the store keeps it) — the same calls as
 * {@link IdempotentCallBenchmark}, at 1,000, 100,000 and 1,000,000 live records.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar StoreSizeBenchmark -f 1 -wi 3 -w 1s -i 5 -r 1s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch"})
public class StoreSizeBenchmark {

    @Param({"1000", "100000", "1000000"})
    public int liveRecords;

    private MemoryStore store;
    private final TransferService service = new TransferService();
    private TransferRequest recorded;
    private long sequence;
    private long executionsAtStart;
    private long sequenceAtStart;

    @Setup(Level.Trial)
    public void fill() {
        store = new MemoryStore(Clock.systemUTC(), liveRecords);
        Idempotency.configure(IdempotencyConfig.builder().store(store).build());
        recorded = IdempotentCallBenchmark.request("recorded");
        service.transfer(recorded);
        TransferService filler = new TransferService();
        for (int i = 0; i < liveRecords; i++) {
            filler.transfer(IdempotentCallBenchmark.request("fill-" + i));
            if ((i & 1023) == 0) {
                service.transfer(recorded); // replayed as the store fills, as a retried key would be
            }
        }
        store.cleanUp();
        if (filler.executions() != liveRecords) {
            throw new IllegalStateException("filling ran the body " + filler.executions() + " times for "
                    + liveRecords + " keys: not woven, or not deduplicated");
        }
    }

    @Setup(Level.Iteration)
    public void mark() {
        executionsAtStart = service.executions();
        sequenceAtStart = sequence;
    }

    @TearDown(Level.Iteration)
    public void check() {
        long fresh = sequence - sequenceAtStart;
        if (service.executions() - executionsAtStart != fresh) {
            throw new IllegalStateException("the body ran " + (service.executions() - executionsAtStart)
                    + " times for " + fresh + " new keys (a replay ran it, or a first execution did not)");
        }
        System.out.print("(store: " + store.size() + " records, bound " + liveRecords + ") ");
    }

    @TearDown(Level.Trial)
    public void close() {
        Idempotency.reset();
    }

    @Benchmark
    public Receipt firstExecution() {
        return service.transfer(IdempotentCallBenchmark.request("new-".concat(Long.toString(++sequence))));
    }

    @Benchmark
    public Receipt replay() {
        return service.transfer(recorded);
    }
}
