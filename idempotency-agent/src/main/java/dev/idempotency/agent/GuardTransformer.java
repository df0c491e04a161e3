package dev.idempotency.agent;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The agent's one registered transformer, added before anything else the agent does, so that an {@code @Idempotent}
 * method never runs unprotected: it hands each class to the {@link CandidateTransformer} once the agent has started,
 * and falls back to a {@link Refusal} (the method refuses to run with {@code IdempotencyConfigurationException}) when
 * <ul>
 *   <li>weaving the class throws (a class Byte Buddy cannot parse or write, a method that would grow too large),</li>
 *   <li>the agent failed to start, wherever it failed ({@link #failed}),</li>
 *   <li>the agent has not finished starting within {@link #START_WAIT_SECONDS} (another thread's class, on attach).</li>
 * </ul>
 * Its own path uses only the cheap filters and plain ASM, nothing of the engine or of Byte Buddy's weaving.
 */
final class GuardTransformer implements ClassFileTransformer {

    static final long START_WAIT_SECONDS = 10;

    private final Thread starter = Thread.currentThread();
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile CandidateTransformer delegate;
    private volatile String failure;

    /** The weaving path, from now on (the starting thread uses it at once; others once {@link #started} is called). */
    void delegateTo(CandidateTransformer transformer) {
        delegate = transformer;
    }

    void started() {
        started.countDown();
    }

    /** The agent could not start: from now on every {@code @Idempotent} class gets a refusal naming the reason. */
    void failed(String reason) {
        failure = reason;
        started.countDown();
    }

    String failure() {
        return failure;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
            ProtectionDomain protectionDomain, byte[] classFile) {
        CandidateTransformer weaving = delegate;
        boolean ready = started.getCount() == 0 || Thread.currentThread() == starter;
        if (weaving != null && ready && failure == null) {
            try {
                return weaving.transform(module, loader, className, classBeingRedefined, protectionDomain, classFile);
            } catch (Throwable t) {
                AgentOutput.error("could not instrument " + String.valueOf(className).replace('/', '.') + ": " + t
                        + "; its @Idempotent methods refuse to run (IdempotencyConfigurationException)");
                return refuse(loader, className, classFile,
                        "the idempotency agent could not instrument its class (" + t + ")");
            }
        }
        if (className == null || loader == null || IgnoredPackages.ignores(className)) {
            return null;
        }
        if (!ready) {
            // another thread, while the agent is attaching: wait for it (bounded), then decide
            try {
                started.await(START_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (started.getCount() == 0 && failure == null && delegate != null) {
                return transform(module, loader, className, classBeingRedefined, protectionDomain, classFile);
            }
        }
        String why = failure;
        return refuse(loader, className, classFile, why != null ? why
                : "the idempotency agent had not finished starting within " + START_WAIT_SECONDS
                        + " s when its class was loaded");
    }

    /** The refusal for a class, if it declares {@code @Idempotent} methods; never throws. */
    static byte[] refuse(ClassLoader loader, String className, byte[] classFile, String why) {
        try {
            int found = ClassFileScan.scan(classFile);
            if ((found & ClassFileScan.NAMES_IDEMPOTENT) == 0 || (found & ClassFileScan.WOVEN_BY_ASPECT) != 0) {
                return null;
            }
            return Refusal.rewrite(classFile, why, Refusal.apiVisible(loader));
        } catch (Throwable t) {
            AgentOutput.error("could not make " + className.replace('/', '.') + " refuse to run either: " + t
                    + "; its @Idempotent methods are NOT protected");
            return null;
        }
    }

    /** After a failed attach: the loaded classes the failed start may have left as they were now refuse too. */
    void refuseLoaded(Instrumentation inst) {
        for (Class<?> type : AgentInstaller.loadedCandidates(inst)) {
            try {
                inst.retransformClasses(type);
            } catch (Throwable t) {
                AgentOutput.error("could not retransform " + type.getName() + " to refuse: " + t
                        + "; its @Idempotent methods are NOT protected");
            }
        }
    }
}
