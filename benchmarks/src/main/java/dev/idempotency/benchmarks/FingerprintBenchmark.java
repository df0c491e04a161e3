package dev.idempotency.benchmarks;

import dev.idempotency.Idempotent;
import dev.idempotency.bridge.WovenMethod;
import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.internal.MethodPlan;
import dev.idempotency.memory.MemoryStore;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Random;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Fingerprinting a large argument, as the engine does for a store outside the JVM ({@code MethodPlan.fingerprint}
 * with {@code inProcess} false: the canonical form of the arguments, SHA-256, base64), against its floor, a bare
 * {@link MessageDigest} SHA-256 of the same 1 MiB, in one run. The goal: at most 1.5 times the floor.
 *
 * <ul>
 *   <li>{@code floor_sha256}: SHA-256 of the 1 MiB content, ready in a byte array, with a ready digest;</li>
 *   <li>{@code fingerprint_bytes}: an {@code @Idempotent} method's arguments, one record holding an id and the
 *       content as a {@code byte[]};</li>
 *   <li>{@code fingerprint_text}: the same with the content as a {@code String} (the same bytes, ASCII, so its UTF-8
 *       form is the floor's input).</li>
 * </ul>
 *
 * The method plan's {@code fingerprint} is package-private; it is reached through a method handle looked up once, as
 * in {@link PartsBenchmark}. The setup checks that each fingerprint is a 43-character hash, and the teardown that it
 * never changed.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@State(Scope.Thread)
public class FingerprintBenchmark {

    /** The size of the large argument. */
    public static final int SIZE = 1 << 20;

    /** An upload whose content is bytes. */
    public record BinaryUpload(String uploadId, byte[] content) {
    }

    /** An upload whose content is text. */
    public record TextUpload(String uploadId, String content) {
    }

    /** The methods whose plans fingerprint the uploads; woven like any {@code @Idempotent} method, never called. */
    public static class Uploads {
        @Idempotent(key = "#upload.uploadId")
        public String storeBytes(BinaryUpload upload) {
            return upload.uploadId();
        }

        @Idempotent(key = "#upload.uploadId")
        public String storeText(TextUpload upload) {
            return upload.uploadId();
        }
    }

    private static final MethodHandle PLAN_FINGERPRINT;

    static {
        try {
            MethodHandles.Lookup plans = MethodHandles.privateLookupIn(MethodPlan.class, MethodHandles.lookup());
            // fingerprint(args, key, inProcess): as a store outside the JVM needs it (always hashed)
            PLAN_FINGERPRINT = MethodHandles.insertArguments(plans.findVirtual(MethodPlan.class, "fingerprint",
                    MethodType.methodType(String.class, Object[].class, String.class, boolean.class)), 3, false);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError("the engine's internals changed; update FingerprintBenchmark: " + e);
        }
    }

    byte[] content;
    MessageDigest sha256;
    MethodPlan bytesPlan;
    MethodPlan textPlan;
    Object[] bytesArgs;
    Object[] textArgs;
    String bytesFingerprint;
    String textFingerprint;

    @Setup(Level.Trial)
    public void prepare() throws Throwable {
        content = new byte[SIZE];
        Random random = new Random(42);
        for (int i = 0; i < SIZE; i++) {
            content[i] = (byte) ('a' + random.nextInt(26));
        }
        sha256 = MessageDigest.getInstance("SHA-256");
        Idempotency.configure(IdempotencyConfig.builder().store(new MemoryStore(Clock.systemUTC(), 1_000)).build());
        bytesPlan = WovenMethod.of(Uploads.class.getMethod("storeBytes", BinaryUpload.class)).plan();
        textPlan = WovenMethod.of(Uploads.class.getMethod("storeText", TextUpload.class)).plan();
        bytesArgs = new Object[] {new BinaryUpload("upload-1", content.clone())};
        textArgs = new Object[] {new TextUpload("upload-1", new String(content, StandardCharsets.US_ASCII))};
        bytesFingerprint = fingerprint_bytes();
        textFingerprint = fingerprint_text();
        if (bytesFingerprint.length() != 43 || textFingerprint.length() != 43
                || bytesFingerprint.equals(textFingerprint)) {
            throw new IllegalStateException("not a remote store's fingerprint: " + bytesFingerprint + ", "
                    + textFingerprint);
        }
    }

    @TearDown(Level.Trial)
    public void check() throws Throwable {
        if (!bytesFingerprint.equals(fingerprint_bytes()) || !textFingerprint.equals(fingerprint_text())) {
            throw new IllegalStateException("a fingerprint changed during the run");
        }
        Idempotency.reset();
    }

    @Benchmark
    public byte[] floor_sha256() {
        return sha256.digest(content);
    }

    @Benchmark
    public String fingerprint_bytes() throws Throwable {
        return (String) PLAN_FINGERPRINT.invokeExact(bytesPlan, bytesArgs, "upload-1");
    }

    @Benchmark
    public String fingerprint_text() throws Throwable {
        return (String) PLAN_FINGERPRINT.invokeExact(textPlan, textArgs, "upload-1");
    }
}
