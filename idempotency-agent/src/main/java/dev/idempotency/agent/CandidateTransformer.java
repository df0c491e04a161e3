package dev.idempotency.agent;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;

/**
 * The transformer the JVM calls for every class: it drops, by name and then by a walk over the constant pool, every
 * class that cannot declare an {@code @Idempotent} method, and hands only the rest to the {@link Weaver}, which it
 * creates (loading Byte Buddy) on the first such class. It runs behind the {@link GuardTransformer}, which handles
 * whatever it throws.
 */
final class CandidateTransformer implements ClassFileTransformer {

    private final Instrumentation inst;
    private final TransformLog log;
    private volatile Weaver weaver;

    CandidateTransformer(Instrumentation inst, TransformLog log) {
        this.inst = inst;
        this.log = log;
    }

    Weaver weaver() {
        Weaver w = weaver;
        if (w == null) {
            synchronized (this) {
                w = weaver;
                if (w == null) {
                    weaver = w = new Weaver(inst, log);
                }
            }
        }
        return w;
    }

    /** Whether the weaver exists, i.e. a class has needed it (or the warm-up made it). */
    boolean hasWeaver() {
        return weaver != null;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
            ProtectionDomain protectionDomain, byte[] classFile) {
        if (loader == null) {
            // The boot loader's classes are never ours, and this must not even count them: a counter under contention
            // reaches ThreadLocalRandom, and the JVM may be loading this class (RandomGenerator) for ThreadLocalRandom
            // itself, which then fails with ClassCircularityError.
            return null;
        }
        long start = System.nanoTime();
        try {
            return filterThenTransform(module, loader, className, classBeingRedefined, protectionDomain, classFile);
        } finally {
            log.offered.increment();
            log.nanos.add(System.nanoTime() - start);
        }
    }

    /** The servlet API's {@code HttpServlet} gets the idempotency filter in front of its {@code service}. */
    private byte[] servlet(ClassLoader loader, String className, byte[] classFile) {
        if (className.equals(HttpEntry.HTTP_SERVLET)) {
            return weaver().weaveServlet(loader, className, classFile);
        }
        if (className.equals(HttpEntry.LEGACY_HTTP_SERVLET) && !legacyNoticed) {
            legacyNoticed = true;
            AgentOutput.line("javax.servlet (Servlet 4 and older) is not supported: requests of this container get no"
                    + " #headers/#principal, problem responses or route mode (Jakarta Servlet 6 containers do)");
        }
        return null;
    }

    private volatile boolean legacyNoticed;

    private byte[] filterThenTransform(Module module, ClassLoader loader, String className,
            Class<?> classBeingRedefined, ProtectionDomain protectionDomain, byte[] classFile) {
        if (className == null || loader == null) {
            return null;
        }
        if (className.startsWith("jakarta/servlet/") || className.startsWith("javax/servlet/")) {
            return servlet(loader, className, classFile);
        }
        if (IgnoredPackages.ignores(className)) {
            return null;
        }
        log.scanned.increment();
        int found = ClassFileScan.scan(classFile);
        if ((found & ClassFileScan.NAMES_IDEMPOTENT) == 0) {
            return null;
        }
        if ((found & ClassFileScan.WOVEN_BY_ASPECT) != 0) {
            // instrumenting it as well would claim each key twice: the aspect's claim would find the agent's
            log.wovenByAspect(className);
            return null;
        }
        log.named.increment();
        // a failure here is the GuardTransformer's to handle: it makes the class's methods refuse to run
        return weaver().weave(module, loader, className, classFile, classBeingRedefined != null);
    }
}
