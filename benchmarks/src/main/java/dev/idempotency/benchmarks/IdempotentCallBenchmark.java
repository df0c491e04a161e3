package dev.idempotency.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.idempotency.benchmarks.peer.PeerIdempotencyInterceptor;
import dev.idempotency.benchmarks.peer.PeerRecords;
import dev.idempotency.benchmarks.peer.PeerTransferService;
import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.memory.MemoryStore;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
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
import org.springframework.aop.support.AopUtils;
import org.springframework.expression.spel.SpelCompilerMode;
import org.springframework.expression.spel.SpelParserConfiguration;
import org.springframework.expression.spel.standard.SpelExpressionParser;

/**
 * A plain call against the same call woven {@code @Idempotent} on the in-memory store, measured in one run with its
 * two reference rows, the floor and the peer:
 *
 * <ul>
 *   <li>{@code firstExecution_*}: every invocation uses a fresh request id, so the woven call claims, runs, encodes
 *       and completes a new key. Both variants build the same fresh request, so the difference is the library's.</li>
 *   <li>{@code firstExecution_idempotent_fullStore}: the same on a store that is kept at its bound (the default
 *       100,000 records), so that every new key also makes the store evict one.</li>
 *   <li>{@code replay_*}: every invocation repeats one request whose outcome is recorded, so the woven call finds
 *       the record, checks the payload and decodes a copy of the result without running the body.</li>
 *   <li>{@code *_floor}: the least an in-process idempotent call can do, on the same body and types: the key read
 *       directly ({@code request.requestId()}); a {@code ConcurrentHashMap.get} that finds nothing, {@code putIfAbsent}
 *       to claim, the body, {@code put} to complete; a replay is the {@code get} that finds the record, {@code equals}
 *       of the stored request with the new one, and the stored receipt returned ({@link Floor}).</li>
 *   <li>{@code *_peer_spelInterpreted}, {@code *_peer_spelCompiled}: what the popular Spring Boot idempotency starters
 *       do, built from Spring's own classes: a CGLIB proxy of a plain service, {@link PeerIdempotencyInterceptor}
 *       (the key from a SpEL expression, interpreted or compiled to bytecode; a SHA-256 fingerprint of the arguments'
 *       Jackson JSON; {@code putIfAbsent} into a {@code ConcurrentHashMap}; the result kept as JSON and decoded on a
 *       replay).</li>
 * </ul>
 *
 * <p>Every store, the library's, the floor's and the peer's, starts empty before each iteration, so all pay their
 * map's growth alike.
 *
 * <p>Every variant checks itself: at trial start each thread's service must run the body once for two woven calls
 * with one key (the aspect is really woven); after each iteration a woven first-execution run must have run the body
 * once per key, and a woven replay run never; the growing store must still be far below its bound (no eviction).
 * The floor and the peer are checked the same way (the peer's service must be a Spring AOP proxy whose class is not
 * woven, and the compiled variant's key expression must really be compiled).
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

    /** The floor's store: a {@code ConcurrentHashMap} of request id to record, empty before each iteration. */
    @State(Scope.Benchmark)
    public static class Floor {
        /** What the floor keeps per key: the request (for the payload check) and, once complete, its receipt. */
        record Entry(TransferRequest request, Receipt receipt) {
        }

        ConcurrentHashMap<String, Entry> records = new ConcurrentHashMap<>();

        @Setup(Level.Iteration)
        public void install() {
            records = new ConcurrentHashMap<>();
            System.gc();
        }

        /** The least an idempotent call can do: the claim, the body and the completion, or the replay. */
        Receipt transfer(TransferService service, TransferRequest request) {
            String key = request.requestId();
            Entry found = records.get(key);
            if (found == null) {
                Entry claim = new Entry(request, null);
                found = records.putIfAbsent(key, claim);
                if (found == null) {
                    Receipt receipt = service.transferPlain(request);
                    records.put(key, new Entry(request, receipt));
                    return receipt;
                }
            }
            if (found.receipt == null || !found.request.equals(request)) {
                throw new IllegalStateException("request " + key + " is in progress, or reuses its key");
            }
            return found.receipt;
        }
    }

    /** The peer's two interceptors (SpEL interpreted, SpEL compiled), each with its own store, empty per iteration. */
    @State(Scope.Benchmark)
    public static class Peer {
        final ObjectMapper mapper = new ObjectMapper();
        final PeerRecords interpretedRecords = new PeerRecords();
        final PeerRecords compiledRecords = new PeerRecords();
        final PeerIdempotencyInterceptor interpreted = new PeerIdempotencyInterceptor(
                new SpelExpressionParser(new SpelParserConfiguration(SpelCompilerMode.OFF, null)), mapper,
                interpretedRecords);
        final PeerIdempotencyInterceptor compiled = new PeerIdempotencyInterceptor(
                new SpelExpressionParser(new SpelParserConfiguration(SpelCompilerMode.IMMEDIATE,
                        Peer.class.getClassLoader())), mapper, compiledRecords);

        @Setup(Level.Iteration)
        public void install() {
            interpretedRecords.clear();
            compiledRecords.clear();
            System.gc();
        }
    }

    /** One caller thread: its own service, its own request ids. */
    @State(Scope.Thread)
    public static class Caller {
        private static final AtomicInteger THREADS = new AtomicInteger();

        final TransferService service = new TransferService();
        final PeerTransferService peerService = new PeerTransferService();
        PeerTransferService peerInterpreted;
        PeerTransferService peerCompiled;
        String prefix;
        long sequence;
        long sequenceAtStart;
        long executionsAtStart;
        long peerExecutionsAtStart;

        /** A request with an id never used before. */
        TransferRequest next() {
            return request(prefix.concat(Long.toString(++sequence)));
        }

        @Setup(Level.Trial)
        public void checkWoven(Floor floor, Peer peer) throws NoSuchMethodException {
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
            before = service.executions();
            if (!first.equals(floor.transfer(service, probe)) || !first.equals(floor.transfer(service, probe))
                    || service.executions() != before + 1) {
                throw new IllegalStateException("the floor ran the body " + (service.executions() - before)
                        + " times for two calls with one key");
            }
            peerInterpreted = peer.interpreted.proxy(peerService);
            peerCompiled = peer.compiled.proxy(peerService);
            java.lang.reflect.Method peerMethod = PeerTransferService.class.getMethod("transfer", TransferRequest.class);
            if (!AopUtils.isCglibProxy(peerInterpreted) || !AopUtils.isCglibProxy(peerCompiled)
                    || java.util.Arrays.stream(PeerTransferService.class.getDeclaredFields())
                            .anyMatch(f -> f.getName().startsWith("ajc$"))) {
                throw new IllegalStateException("the peer's service must be a plain class behind a CGLIB proxy");
            }
            for (PeerTransferService proxy : new PeerTransferService[] {peerInterpreted, peerCompiled}) {
                before = peerService.executions();
                if (!first.equals(proxy.transfer(probe)) || !first.equals(proxy.transfer(probe))
                        || peerService.executions() != before + 1) {
                    throw new IllegalStateException("the peer ran the body " + (peerService.executions() - before)
                            + " times for two calls with one key");
                }
            }
            if (!peer.compiled.keyCompiled(peerMethod)) {
                throw new IllegalStateException("the compiled peer's key expression was not compiled");
            }
        }

        @Setup(Level.Iteration)
        public void mark() {
            sequenceAtStart = sequence;
            executionsAtStart = service.executions();
            peerExecutionsAtStart = peerService.executions();
        }

        @TearDown(Level.Iteration)
        public void checkRuns(BenchmarkParams params) {
            String name = params.getBenchmark();
            long ran;
            if (name.contains("_idempotent") || name.contains("_floor")) {
                ran = service.executions() - executionsAtStart;
            } else if (name.contains("_peer")) {
                ran = peerService.executions() - peerExecutionsAtStart;
            } else {
                return;
            }
            long keys = sequence - sequenceAtStart;
            if (ran != keys) {
                throw new IllegalStateException(params.getBenchmark() + ": the body ran " + ran + " times for "
                        + keys + " new keys in this iteration");
            }
        }
    }

    /** A caller whose one request is recorded in each store (the library's, the floor's, the peer's) per iteration. */
    @State(Scope.Thread)
    public static class ReplayCaller extends Caller {
        TransferRequest known;

        @Setup(Level.Iteration)
        public void record(GrowingStore store, Floor floor, Peer peer) {
            known = request(prefix + "known");
            long before = service.executions();
            Receipt first = service.transfer(known);
            Receipt again = service.transfer(known);
            if (service.executions() != before + 1 || !first.equals(again)) {
                throw new IllegalStateException("the known request was not recorded in this iteration's store");
            }
            before = service.executions();
            if (!first.equals(floor.transfer(service, known)) || !first.equals(floor.transfer(service, known))
                    || service.executions() != before + 1) {
                throw new IllegalStateException("the known request was not recorded in the floor's store");
            }
            long peerBefore = peerService.executions();
            if (!first.equals(peerInterpreted.transfer(known)) || !first.equals(peerInterpreted.transfer(known))
                    || !first.equals(peerCompiled.transfer(known)) || !first.equals(peerCompiled.transfer(known))
                    || peerService.executions() != peerBefore + 2) {
                throw new IllegalStateException("the known request was not recorded in the peer's stores");
            }
            executionsAtStart = service.executions();
            peerExecutionsAtStart = peerService.executions();
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
    public Receipt firstExecution_floor(Floor floor, Caller caller) {
        return floor.transfer(caller.service, caller.next());
    }

    @Benchmark
    public Receipt firstExecution_peer_spelInterpreted(Peer peer, Caller caller) {
        return caller.peerInterpreted.transfer(caller.next());
    }

    @Benchmark
    public Receipt firstExecution_peer_spelCompiled(Peer peer, Caller caller) {
        return caller.peerCompiled.transfer(caller.next());
    }

    @Benchmark
    public Receipt replay_plain(ReplayCaller caller) {
        return caller.service.transferPlain(caller.known);
    }

    @Benchmark
    public Receipt replay_idempotent(ReplayCaller caller) {
        return caller.service.transfer(caller.known);
    }

    @Benchmark
    public Receipt replay_floor(ReplayCaller caller, Floor floor) {
        return floor.transfer(caller.service, caller.known);
    }

    @Benchmark
    public Receipt replay_peer_spelInterpreted(ReplayCaller caller) {
        return caller.peerInterpreted.transfer(caller.known);
    }

    @Benchmark
    public Receipt replay_peer_spelCompiled(ReplayCaller caller) {
        return caller.peerCompiled.transfer(caller.known);
    }
}
