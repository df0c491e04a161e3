package dev.idempotency.benchmarks;

import dev.idempotency.benchmarks.springaop.ProxiedTransferService;
import dev.idempotency.core.Idempotency;
import dev.idempotency.spring.boot.autoconfigure.IdempotencyAutoConfiguration;
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
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

/**
 * The two ways an {@code @Idempotent} method reaches the engine, measured in one run on the in-memory store, against
 * the plain call:
 *
 * <ul>
 *   <li>{@code *_plain}: {@link TransferService#transferPlain}, the body alone, the baseline of both;</li>
 *   <li>{@code *_woven}: {@link TransferService#transfer}, woven at build time with the library's aspect;</li>
 *   <li>{@code *_springAop}: {@link ProxiedTransferService#transfer}, the same annotation and body on a bean of a
 *       Spring context (a plain {@link AnnotationConfigApplicationContext}, no web server) with the starter's
 *       {@link IdempotencyAutoConfiguration}: the call goes through a CGLIB proxy and the starter's advisor.</li>
 * </ul>
 *
 * <p>{@code firstExecution_*} uses a fresh request id per call (claim, run, complete); {@code replay_*} repeats one
 * recorded request. Both routes run on the very same runtime and store: the context installs its runtime at trial
 * start, and {@link IdempotentCallBenchmark.GrowingStore} replaces it with a fresh store before each iteration, for
 * every variant alike (every variant also starts the context). Every variant checks itself: at trial start the proxied
 * bean must be an AOP proxy whose class is not woven, and each route must run the body once for two calls with one key;
 * after each iteration a first-execution run must have run the body once per key, and a replay never.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class SpringAopBenchmark {

    /** A Spring context with the starter's auto-configuration and one idempotent bean, for the whole trial. */
    @State(Scope.Benchmark)
    public static class SpringContext {
        AnnotationConfigApplicationContext context;
        ProxiedTransferService service;

        @Setup(Level.Trial)
        public void start() throws NoSuchMethodException {
            context = new AnnotationConfigApplicationContext();
            context.register(IdempotencyAutoConfiguration.class);
            context.registerBean(ProxiedTransferService.class);
            context.refresh();
            service = context.getBean(ProxiedTransferService.class);
            if (!AopUtils.isAopProxy(service)) {
                throw new IllegalStateException("the starter's advisor did not proxy " + service.getClass());
            }
            if (Idempotency.isProtected(ProxiedTransferService.class.getMethod("transfer", TransferRequest.class))) {
                throw new IllegalStateException("ProxiedTransferService is woven: the Spring AOP route would not be"
                        + " measured alone (see benchmarks/weaving.xml)");
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            context.close();
        }
    }

    /** One caller thread: the woven service, the context's proxied bean, its own request ids. */
    @State(Scope.Thread)
    public static class Caller {
        private static final AtomicInteger THREADS = new AtomicInteger();

        final TransferService woven = new TransferService();
        ProxiedTransferService proxied;
        String prefix;
        long sequence;
        long sequenceAtStart;
        long wovenAtStart;
        long proxiedAtStart;

        TransferRequest next() {
            return IdempotentCallBenchmark.request(prefix.concat(Long.toString(++sequence)));
        }

        @Setup(Level.Trial)
        public void checkRoutes(SpringContext spring) {
            proxied = spring.service;
            prefix = "req-" + THREADS.incrementAndGet() + "-";
            TransferRequest probe = IdempotentCallBenchmark.request(prefix + "probe");
            long before = woven.executions();
            Receipt first = woven.transfer(probe);
            if (woven.executions() != before + 1 || !first.equals(woven.transfer(probe))) {
                throw new IllegalStateException("TransferService.transfer is not woven: two calls with one key ran"
                        + " the body " + (woven.executions() - before) + " times");
            }
            before = proxied.executions();
            first = proxied.transfer(probe);
            if (proxied.executions() != before + 1 || !first.equals(proxied.transfer(probe))) {
                throw new IllegalStateException("the proxied bean is not idempotent: two calls with one key ran the"
                        + " body " + (proxied.executions() - before) + " times");
            }
        }

        @Setup(Level.Iteration)
        public void mark() {
            sequenceAtStart = sequence;
            wovenAtStart = woven.executions();
            proxiedAtStart = proxied.executions();
        }

        @TearDown(Level.Iteration)
        public void checkRuns(BenchmarkParams params) {
            String name = params.getBenchmark();
            long ran = name.endsWith("_woven") ? woven.executions() - wovenAtStart
                    : name.endsWith("_springAop") ? proxied.executions() - proxiedAtStart : -1;
            if (ran < 0) {
                return;
            }
            long expected = name.contains("firstExecution") ? sequence - sequenceAtStart : 0;
            if (ran != expected) {
                throw new IllegalStateException(name + ": the body ran " + ran + " times in this iteration, expected "
                        + expected);
            }
        }
    }

    /** A caller whose one request is recorded by both routes in each iteration's fresh store. */
    @State(Scope.Thread)
    public static class ReplayCaller extends Caller {
        TransferRequest known;

        @Setup(Level.Iteration)
        public void record(IdempotentCallBenchmark.GrowingStore store) {
            known = IdempotentCallBenchmark.request(prefix + "known");
            long before = woven.executions() + proxied.executions();
            woven.transfer(known);
            woven.transfer(known);
            proxied.transfer(known);
            proxied.transfer(known);
            if (woven.executions() + proxied.executions() != before + 2) {
                throw new IllegalStateException("the known request was not recorded once per route in this"
                        + " iteration's store");
            }
            wovenAtStart = woven.executions();
            proxiedAtStart = proxied.executions();
        }
    }

    @Benchmark
    public Receipt firstExecution_plain(IdempotentCallBenchmark.GrowingStore store, Caller caller) {
        return caller.woven.transferPlain(caller.next());
    }

    @Benchmark
    public Receipt firstExecution_woven(IdempotentCallBenchmark.GrowingStore store, Caller caller) {
        return caller.woven.transfer(caller.next());
    }

    @Benchmark
    public Receipt firstExecution_springAop(IdempotentCallBenchmark.GrowingStore store, Caller caller) {
        return caller.proxied.transfer(caller.next());
    }

    @Benchmark
    public Receipt replay_plain(ReplayCaller caller) {
        return caller.woven.transferPlain(caller.known);
    }

    @Benchmark
    public Receipt replay_woven(ReplayCaller caller) {
        return caller.woven.transfer(caller.known);
    }

    @Benchmark
    public Receipt replay_springAop(ReplayCaller caller) {
        return caller.proxied.transfer(caller.known);
    }
}
