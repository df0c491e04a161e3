package dev.idempotency.benchmarks;

import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.memory.MemoryStore;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * A plain call against the same call woven {@code @Idempotent} on the in-memory store, measured in one run:
 *
 * <ul>
 *   <li>{@code firstExecution_*}: every invocation uses a fresh request id, so the woven call claims, runs, encodes
 *       and completes a new key. Both variants build the same fresh request, so the difference is the library's.</li>
 *   <li>{@code firstExecution_idempotent_fullStore}: the same on a store that is kept at its bound (the default
 *       100,000 records), so that every new key also makes the store evict one.</li>
 *   <li>{@code replay_*}: every invocation repeats one request whose outcome is recorded, so the woven call finds
 *       the record, checks the payload and decodes a copy of the result without running the body.</li>
 * </ul>
 *
 * <p>Every variant checks itself: at trial start each thread's service must run the body once for two woven calls
 * with one key (the aspect is really woven); after each iteration a woven first-execution run must have run the body
 * once per key, and a woven replay run never; the growing store must still be far below its bound (no eviction).
 * A failed check throws, and JMH reports the benchmark as failed.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class IdempotentCallBenchmark {

    /**
     * The bound of the store that the first-execution and replay runs use, far above the records one iteration writes
     * (about a million at most here); a fresh store is installed before each iteration, so none is ever evicted.
     */
    public static final long GROWING_STORE_MAX_ENTRIES = 8_000_000;

    /** The bound of the store that is kept full: the in-memory store's default. */
    public static final long FULL_STORE_MAX_ENTRIES = MemoryStore.DEFAULT_MAX_ENTRIES;

    private static final String FROM = "DE89370400440532013000";
    private static final String TO = "FR1420041010050500013M02606";

    static TransferRequest request(String id) {
        return new TransferRequest(id, FROM, TO, 12_345, "EUR");
    }

    /** A fresh, empty store for each iteration, large enough never to evict within it. */
    @State(Scope.Benchmark)
    public static class GrowingStore {
        MemoryStore store;

        @Setup(Level.Iteration)
        public void install() {
            store = new MemoryStore(Clock.systemUTC(), GROWING_STORE_MAX_ENTRIES);
            Idempotency.configure(IdempotencyConfig.builder().store(store).build());
            System.gc(); // the previous iteration's records are garbage now: collect them outside the measurement
        }

        @TearDown(Level.Iteration)
        public void check() {
            long size = store.size();
            if (size > GROWING_STORE_MAX_ENTRIES * 9 / 10) {
                throw new IllegalStateException("the store holds " + size + " records, close to its bound "
                        + GROWING_STORE_MAX_ENTRIES + ": records may have been evicted; raise the bound");
            }
            System.out.print("(store: " + size + " records, bound " + GROWING_STORE_MAX_ENTRIES + ") ");
        }

        @TearDown(Level.Trial)
        public void close() {
            Idempotency.reset();
        }
    }

    /** One store for the whole trial, filled past its bound before measuring, so that every new key evicts one. */
    @State(Scope.Benchmark)
    public static class FullStore {
        MemoryStore store;

        @Setup(Level.Trial)
        public void install() {
            store = new MemoryStore(Clock.systemUTC(), FULL_STORE_MAX_ENTRIES);
            Idempotency.configure(IdempotencyConfig.builder().store(store).build());
            TransferService filler = new TransferService();
            long fill = FULL_STORE_MAX_ENTRIES * 3 / 2;
            for (long i = 0; i < fill; i++) {
                filler.transfer(request("fill-" + i));
            }
            if (filler.executions() != fill) {
                throw new IllegalStateException("filling the store ran the body " + filler.executions()
                        + " times for " + fill + " keys");
            }
        }

        @TearDown(Level.Iteration)
        public void check() {
            System.out.print("(store: " + store.size() + " records, bound " + FULL_STORE_MAX_ENTRIES + ") ");
        }

        @TearDown(Level.Trial)
        public void close() {
            Idempotency.reset();
        }
    }

    /** One caller thread: its own service, its own request ids. */
    @State(Scope.Thread)
    public static class Caller {
        private static final AtomicInteger THREADS = new AtomicInteger();

        final TransferService service = new TransferService();
        String prefix;
        long sequence;
        long sequenceAtStart;
        long executionsAtStart;

        /** A request with an id never used before. */
        TransferRequest next() {
            return request(prefix.concat(Long.toString(++sequence)));
        }

        @Setup(Level.Trial)
        public void checkWoven() {
            prefix = "req-" + THREADS.incrementAndGet() + "-";
            TransferRequest probe = request(prefix + "probe");
            long before = service.executions();
            Receipt first = service.transfer(probe);
            Receipt again = service.transfer(probe);
            // (an immutable result may come back as the very same instance: the in-process store keeps it as it is)
            if (service.executions() != before + 1 || !first.equals(again)) {
                throw new IllegalStateException("TransferService.transfer is not woven with the idempotency aspect:"
                        + " two calls with one key ran the body " + (service.executions() - before) + " times");
            }
            before = service.executions();
            service.transferPlain(probe);
            service.transferPassthrough(probe);
            if (service.executions() != before + 2) {
                throw new IllegalStateException("the plain and pass-through calls did not each run the body once");
            }
        }

        @Setup(Level.Iteration)
        public void mark() {
            sequenceAtStart = sequence;
            executionsAtStart = service.executions();
        }

        @TearDown(Level.Iteration)
        public void checkRuns(BenchmarkParams params) {
            if (!params.getBenchmark().contains("_idempotent")) {
                return;
            }
            long keys = sequence - sequenceAtStart;
            long ran = service.executions() - executionsAtStart;
            if (ran != keys) {
                throw new IllegalStateException(params.getBenchmark() + ": the body ran " + ran + " times for "
                        + keys + " new keys in this iteration");
            }
        }
    }

    /** A caller whose one request is recorded in the store before each iteration. */
    @State(Scope.Thread)
    public static class ReplayCaller extends Caller {
        TransferRequest known;

        @Setup(Level.Iteration)
        public void record(GrowingStore store) {
            known = request(prefix + "known");
            long before = service.executions();
            Receipt first = service.transfer(known);
            Receipt again = service.transfer(known);
            if (service.executions() != before + 1 || !first.equals(again)) {
                throw new IllegalStateException("the known request was not recorded in this iteration's store");
            }
            executionsAtStart = service.executions();
        }
    }

    @Benchmark
    public Receipt firstExecution_plain(Caller caller) {
        return caller.service.transferPlain(caller.next());
    }

    @Benchmark
    public Receipt firstExecution_idempotent(GrowingStore store, Caller caller) {
        return caller.service.transfer(caller.next());
    }

    @Benchmark
    public Receipt firstExecution_idempotent_fullStore(FullStore store, Caller caller) {
        return caller.service.transfer(caller.next());
    }

    @Benchmark
    public Receipt replay_plain(ReplayCaller caller) {
        return caller.service.transferPlain(caller.known);
    }

    @Benchmark
    public Receipt replay_idempotent(ReplayCaller caller) {
        return caller.service.transfer(caller.known);
    }
}
