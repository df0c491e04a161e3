package dev.idempotency.agent;

import dev.idempotency.Idempotent;
import dev.idempotency.bridge.WovenMethod;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * Started by {@code premain} on a daemon thread, while the application starts on its own: after a pause, runs the
 * weaver once (by weaving this class and throwing the result away) and loads the result codec's JSON machinery (by
 * compiling the plan of {@link #sample}), all of which the application's first {@code @Idempotent} class would
 * otherwise load on its start-up path. The pause keeps it out of short programs, which exit before it ends and
 * would only see it compete for the processor with their own start-up (and load Jackson, which a program whose results
 * are plain values on the memory store never needs); a long-running application, whose framework takes seconds to
 * start, finds the work done when it loads its first {@code @Idempotent} class. Whatever happens here is only an
 * optimization: a failure is ignored, and the same work is then done on first use.
 */
final class Warmup implements Runnable {

    private final CandidateTransformer transformer;
    private final TransformLog log;
    private final long delayMillis;

    Warmup(CandidateTransformer transformer, TransformLog log, long delayMillis) {
        this.transformer = transformer;
        this.log = log;
        this.delayMillis = delayMillis;
    }

    /**
     * {@code -Didempotency.agent.warmup=false} leaves all of this to the first {@code @Idempotent} class; a number is
     * the pause in milliseconds ({@code 0}: at once); the default is {@value #DEFAULT_DELAY_MILLIS} ms.
     */
    static final String PROPERTY = "idempotency.agent.warmup";
    static final long DEFAULT_DELAY_MILLIS = 500;

    static void start(CandidateTransformer transformer, TransformLog log) {
        String setting = System.getProperty(PROPERTY, "true").trim();
        long delay;
        if (setting.equalsIgnoreCase("false")) {
            return;
        } else if (setting.equalsIgnoreCase("true")) {
            delay = DEFAULT_DELAY_MILLIS;
        } else {
            try {
                delay = Math.max(0, Long.parseLong(setting));
            } catch (NumberFormatException e) {
                AgentOutput.error("-D" + PROPERTY + " must be true, false or a pause in milliseconds, but was '"
                        + setting + "'; the warm-up runs after " + DEFAULT_DELAY_MILLIS + " ms");
                delay = DEFAULT_DELAY_MILLIS;
            }
        }
        Thread thread = new Thread(new Warmup(transformer, log, delay), "idempotency-agent-warmup");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run() {
        long started;
        try {
            Thread.sleep(delayMillis);
            started = System.nanoTime();
            if (!transformer.hasWeaver()) { // else a class was woven already: the weaver is loaded and has run
                transformer.weaver().rehearse();
            }
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
