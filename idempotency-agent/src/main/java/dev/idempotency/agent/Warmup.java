package dev.idempotency.agent;

import dev.idempotency.Idempotent;
import dev.idempotency.bridge.WovenMethod;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * Started by {@code premain} on a daemon thread, while the application starts on its own: loads Byte Buddy and runs
 * it once (by weaving this class and throwing the result away) and loads the result codec's JSON machinery (by
 * compiling the plan of {@link #sample}), all of which the application's first {@code @Idempotent} class would
 * otherwise load on its start-up path. Whatever happens here is
 * only an optimization: a failure is ignored, and the same work is then done on first use.
 */
final class Warmup implements Runnable {

    private final CandidateTransformer transformer;
    private final TransformLog log;

    Warmup(CandidateTransformer transformer, TransformLog log) {
        this.transformer = transformer;
        this.log = log;
    }

    /** {@code -Didempotency.agent.warmup=false} leaves all of this to the first {@code @Idempotent} class. */
    static final String PROPERTY = "idempotency.agent.warmup";

    static void start(CandidateTransformer transformer, TransformLog log) {
        if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))) {
            return;
        }
        Thread thread = new Thread(new Warmup(transformer, log), "idempotency-agent-warmup");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run() {
        long started = System.nanoTime();
        try {
            transformer.weaver().rehearse();
            WovenMethod.of(Warmup.class.getDeclaredMethod("sample", String.class));
        } catch (Throwable t) {
            if (log.debug()) {
                AgentOutput.line("debug: warm-up failed (no harm done, the work happens on first use): " + t);
            }
            return;
        }
        if (log.debug()) {
            AgentOutput.line("debug: warm-up took " + (System.nanoTime() - started) / 1_000_000 + " ms");
        }
    }

    /** Never called; its plan exercises what a typical plan needs: a key path, a record of common types, a list. */
    @Idempotent(key = "#p0")
    private static List<Sample> sample(String id) {
        return List.of(new Sample(id, Instant.EPOCH, BigDecimal.ONE));
    }

    record Sample(String id, Instant at, BigDecimal amount) {
    }
}
