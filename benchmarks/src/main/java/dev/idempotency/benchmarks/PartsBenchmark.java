package dev.idempotency.benchmarks;

import dev.idempotency.bridge.Proceed;
import dev.idempotency.bridge.ProcessRuntime;
import dev.idempotency.bridge.WovenMethod;
import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.internal.IdempotencyEngine;
import dev.idempotency.internal.MethodPlan;
import dev.idempotency.memory.MemoryStore;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.Outcome;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The steps of one woven call, each measured alone on the same request, store and method plan as
 * {@link IdempotentCallBenchmark}, to show where the overhead goes:
 *
 * <ul>
 *   <li>{@code aspectj_passthrough}: the call woven with {@link PassthroughAspect} (AspectJ's plumbing, no engine);</li>
 *   <li>{@code engine_replay}, {@code engine_firstExecution}: the engine's {@code execute} called directly, without
 *       AspectJ;</li>
 *   <li>{@code step_*}: the engine's steps. Replay: key, fingerprint (canonical JSON, then SHA-256 and base64),
 *       owner token, store claim that finds the record, decode. First execution adds: a claim that writes and a
 *       complete, the lease keeper's hold and drop, encode.</li>
 *   <li>{@code alt_*}: cheaper ways to do a step, measured here (the engine is not changed) to size the gain of an
 *       optimisation: reading a completed record with a lock-free {@code get} instead of {@code compute}, and
 *       streaming the canonical JSON straight into the digest instead of building a byte array first.</li>
 * </ul>
 *
 * <p>The engine's steps are package-private; they are reached through method handles looked up once (the
 * benchmarks run on the class path, where every package is open), so a change in the engine's internals breaks
 * this class when it runs, not the build. Static final handles are constants to the JIT and cost nothing extra.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@State(Scope.Thread)
public class PartsBenchmark {

    private static final MethodHandle PLAN_KEY;
    private static final MethodHandle PLAN_FINGERPRINT;
    private static final MethodHandle CODEC_ENCODE;
    private static final MethodHandle CODEC_DECODE;
    private static final MethodHandle TOKENS_NEXT;
    private static final MethodHandle KEEPER_HOLD;
    private static final MethodHandle KEEPER_DROP;
    private static final MethodHandle CANONICAL_BYTES;
    private static final MethodHandle PLAN_CODEC;
    private static final MethodHandle ENGINE_TOKENS;
    private static final MethodHandle ENGINE_KEEPER;
    private static final com.fasterxml.jackson.databind.ObjectWriter CANONICAL_WRITER;

    static {
        try {
            MethodHandles.Lookup own = MethodHandles.lookup();
            Class<?> codec = Class.forName("dev.idempotency.internal.ResultCodec");
            Class<?> tokens = Class.forName("dev.idempotency.internal.OwnerTokens");
            Class<?> keeper = Class.forName("dev.idempotency.internal.LeaseKeeper");
            Class<?> hold = Class.forName("dev.idempotency.internal.LeaseKeeper$Hold");
            Class<?> json = Class.forName("dev.idempotency.internal.Json");
            MethodHandles.Lookup plans = MethodHandles.privateLookupIn(MethodPlan.class, own);
            MethodHandles.Lookup engines = MethodHandles.privateLookupIn(IdempotencyEngine.class, own);
            PLAN_KEY = plans.findVirtual(MethodPlan.class, "key", MethodType.methodType(String.class, Object[].class));
            // fingerprint(args, key, inProcess): measured as a store outside the JVM sees it (always hashed)
            PLAN_FINGERPRINT = MethodHandles.insertArguments(plans.findVirtual(MethodPlan.class, "fingerprint",
                    MethodType.methodType(String.class, Object[].class, String.class, boolean.class)), 3, false);
            PLAN_CODEC = plans.findGetter(MethodPlan.class, "codec", codec)
                    .asType(MethodType.methodType(Object.class, MethodPlan.class));
            CODEC_ENCODE = plans.findVirtual(codec, "encode", MethodType.methodType(Outcome.class, Object.class))
                    .asType(MethodType.methodType(Outcome.class, Object.class, Object.class));
            CODEC_DECODE = plans.findVirtual(codec, "decode", MethodType.methodType(Object.class, String.class))
                    .asType(MethodType.methodType(Object.class, Object.class, String.class));
            ENGINE_TOKENS = engines.findGetter(IdempotencyEngine.class, "tokens", tokens)
                    .asType(MethodType.methodType(Object.class, IdempotencyEngine.class));
            TOKENS_NEXT = plans.findVirtual(tokens, "next", MethodType.methodType(String.class))
                    .asType(MethodType.methodType(String.class, Object.class));
            ENGINE_KEEPER = engines.findGetter(IdempotencyEngine.class, "keeper", keeper)
                    .asType(MethodType.methodType(Object.class, IdempotencyEngine.class));
            KEEPER_HOLD = plans.findVirtual(keeper, "hold",
                            MethodType.methodType(hold, MethodPlan.class, String.class, String.class, Duration.class))
                    .asType(MethodType.methodType(Object.class, Object.class, MethodPlan.class, String.class,
                            String.class, Duration.class));
            KEEPER_DROP = plans.findVirtual(keeper, "drop", MethodType.methodType(boolean.class, hold))
                    .asType(MethodType.methodType(boolean.class, Object.class, Object.class));
            Object canonical = plans.findStaticGetter(json, "CANONICAL",
                    com.fasterxml.jackson.databind.ObjectMapper.class).invoke();
            com.fasterxml.jackson.databind.ObjectWriter writer =
                    ((com.fasterxml.jackson.databind.ObjectMapper) canonical).writer();
            CANONICAL_WRITER = writer;
            CANONICAL_BYTES = MethodHandles.publicLookup()
                    .findVirtual(com.fasterxml.jackson.databind.ObjectWriter.class, "writeValueAsBytes",
                            MethodType.methodType(byte[].class, Object.class))
                    .bindTo(writer);
        } catch (Throwable e) {
            throw new ExceptionInInitializerError("the engine's internals changed; update PartsBenchmark: " + e);
        }
    }

    private static final Duration LEASE = IdempotencyConfig.DEFAULT_LEASE;
    private static final Duration TTL = IdempotencyConfig.DEFAULT_TTL;
    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

    final TransferService service = new TransferService();
    final TransferRequest known = IdempotentCallBenchmark.request("parts-known");
    final Object[] args = {known};
    final Proceed neverRuns = () -> {
        throw new IllegalStateException("a replay ran the body");
    };

    MemoryStore store;
    IdempotencyEngine engine;
    MethodPlan plan;
    Object codec;
    Object tokens;
    Object keeper;
    String namespace;
    String key;
    String fingerprint;
    String owner;
    byte[] canonical;
    MessageDigest sha256;
    DigestSink digestSink;
    Receipt receipt;
    String body;
    long sequence;

    /** A fresh store per iteration (so the claims of new keys never evict), with the known request recorded. */
    @Setup(Level.Iteration)
    public void install() throws Throwable {
        store = new MemoryStore(Clock.systemUTC(), IdempotentCallBenchmark.GROWING_STORE_MAX_ENTRIES);
        Idempotency.configure(IdempotencyConfig.builder().store(store).build());
        engine = ProcessRuntime.engine();
        plan = WovenMethod.of(TransferService.class.getMethod("transfer", TransferRequest.class)).plan();
        codec = PLAN_CODEC.invoke(plan);
        tokens = ENGINE_TOKENS.invoke(engine);
        keeper = ENGINE_KEEPER.invoke(engine);
        namespace = plan.namespace();
        key = (String) PLAN_KEY.invoke(plan, args);
        fingerprint = (String) PLAN_FINGERPRINT.invoke(plan, args, key);
        owner = (String) TOKENS_NEXT.invoke(tokens);
        canonical = (byte[]) CANONICAL_BYTES.invoke((Object) args);
        sha256 = MessageDigest.getInstance("SHA-256");
        digestSink = new DigestSink(MessageDigest.getInstance("SHA-256"));

        receipt = service.transfer(known);
        body = ((Outcome) CODEC_ENCODE.invoke(codec, receipt)).body();
        if (!(store.claim(namespace, key, owner, fingerprint, LEASE) instanceof ClaimResult.Found found)
                || !found.record().isCompleted()) {
            throw new IllegalStateException("the woven call did not record the known request as the parts expect");
        }
        if (!receipt.equals(engine.execute(plan, args, neverRuns))) {
            throw new IllegalStateException("the engine did not replay the known request");
        }
        System.gc();
    }

    // ---- baselines

    @Benchmark
    public Receipt baseline_plainCall() {
        return service.transferPlain(known);
    }

    @Benchmark
    public Receipt aspectj_passthrough() {
        return service.transferPassthrough(known);
    }

    // ---- the engine without AspectJ

    @Benchmark
    public Object engine_replay() throws Throwable {
        return engine.execute(plan, args, neverRuns);
    }

    @Benchmark
    public Object engine_firstExecution() throws Throwable {
        TransferRequest request = nextRequest();
        return engine.execute(plan, new Object[] {request}, () -> service.transferPlain(request));
    }

    /** What both first-execution variants spend on making a fresh request; not part of the overhead. */
    @Benchmark
    public TransferRequest step_newRequest() {
        return nextRequest();
    }

    // ---- the steps: replay and first execution

    @Benchmark
    public String step_key() throws Throwable {
        return (String) PLAN_KEY.invokeExact(plan, args);
    }

    @Benchmark
    public String step_fingerprint() throws Throwable {
        return (String) PLAN_FINGERPRINT.invokeExact(plan, args, key);
    }

    @Benchmark
    public byte[] step_fingerprint_1_canonicalJson() throws Throwable {
        return (byte[]) CANONICAL_BYTES.invokeExact((Object) args);
    }

    @Benchmark
    public String step_fingerprint_2_sha256Base64() {
        return BASE64.encodeToString(sha256.digest(canonical));
    }

    @Benchmark
    public String step_ownerToken() throws Throwable {
        return (String) TOKENS_NEXT.invokeExact(tokens);
    }

    @Benchmark
    public ClaimResult step_claimFound() {
        return store.claim(namespace, key, owner, fingerprint, LEASE);
    }

    @Benchmark
    public Object step_decode() throws Throwable {
        return CODEC_DECODE.invokeExact(codec, body);
    }

    @Benchmark
    public boolean step_claimNewAndComplete() {
        String fresh = "parts-".concat(Long.toString(++sequence));
        store.claim(namespace, fresh, owner, fingerprint, LEASE);
        return store.complete(namespace, fresh, owner, Outcome.value(body), TTL);
    }

    @Benchmark
    public boolean step_leaseHoldDrop() throws Throwable {
        Object hold = KEEPER_HOLD.invokeExact(keeper, plan, key, owner, LEASE);
        return (boolean) KEEPER_DROP.invokeExact(keeper, hold);
    }

    @Benchmark
    public Outcome step_encode() throws Throwable {
        return (Outcome) CODEC_ENCODE.invokeExact(codec, (Object) receipt);
    }

    // ---- alternatives, to size optimisations

    /** The replay's store step if the memory store looked a live record up with a lock-free get before computing. */
    @Benchmark
    public Object alt_storeReadFound() {
        return store.read(namespace, key);
    }

    /** The fingerprint with the canonical JSON written straight into the digest: no byte array built and copied. */
    @Benchmark
    public String alt_fingerprint_streamedIntoDigest() throws java.io.IOException {
        CANONICAL_WRITER.writeValue(digestSink, args);
        return BASE64.encodeToString(digestSink.digest.digest());
    }

    /** An output stream that only feeds a message digest; Jackson's generator buffers, so writes come in blocks. */
    static final class DigestSink extends java.io.OutputStream {
        final MessageDigest digest;

        DigestSink(MessageDigest digest) {
            this.digest = digest;
        }

        @Override
        public void write(int b) {
            digest.update((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            digest.update(b, off, len);
        }
    }

    private TransferRequest nextRequest() {
        return IdempotentCallBenchmark.request("parts-".concat(Long.toString(++sequence)));
    }
}
