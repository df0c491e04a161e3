package dev.idempotency.agent;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isAnnotatedWith;
import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isNative;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.isTypeInitializer;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.idempotency.Idempotent;
import dev.idempotency.bridge.Invocation;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.jar.asm.MethodTooLargeException;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;

/**
 * Rewrites one class: writes the advice into its {@code @Idempotent} methods and the plans' preparation into its
 * initializers ({@link InlineAdvice}, plain ASM), or a {@link Refusal} where its loader cannot see the agent. Only
 * existing code changes, so the class's shape never does. Byte Buddy's {@code Advice}, with {@link IdempotentAdvice},
 * {@link PrepareAdvice} and {@link ServletAdvice}, does the same for the classes {@link InlineAdvice} leaves to it
 * (class files older than Java 7, frames it does not expect); it is built on the first such class, so a JVM without
 * one never loads Byte Buddy beyond its ASM.
 */
final class Weaver {

    private final Instrumentation inst;
    private final TransformLog log;
    private final LoaderCheck loaders = new LoaderCheck();
    private volatile WithByteBuddy byteBuddy;

    /** Byte Buddy's way: about 750 classes loaded, so only for what {@link InlineAdvice} cannot do. */
    private static final class WithByteBuddy {
        /** The methods that get the advice: annotated by name (the annotation class is never loaded), with code. */
        static final ElementMatcher.Junction<MethodDescription> IDEMPOTENT_METHODS =
                isAnnotatedWith(named(PlanTable.IDEMPOTENT))
                        .and(not(isAbstract())).and(not(isNative())).and(not(isBridge())).and(not(isSynthetic()));
        final ByteBuddy byteBuddy = new ByteBuddy().with(TypeValidation.DISABLED);
        final AsmVisitorWrapper idempotent = Advice.to(IdempotentAdvice.class).on(IDEMPOTENT_METHODS);
        final AsmVisitorWrapper prepare = Advice.to(PrepareAdvice.class).on(isTypeInitializer().or(isConstructor()));
        /** {@code HttpServlet.service(ServletRequest, ServletResponse)}, the one entry of every request to a servlet. */
        final AsmVisitorWrapper servlet = Advice.to(ServletAdvice.class).on(named("service").and(isPublic())
                .and(takesArguments(2)).and(takesArgument(0, named("jakarta.servlet.ServletRequest")))
                .and(takesArgument(1, named("jakarta.servlet.ServletResponse"))));
    }

    private WithByteBuddy byteBuddy() {
        WithByteBuddy b = byteBuddy;
        if (b == null) {
            synchronized (this) {
                b = byteBuddy;
                if (b == null) {
                    byteBuddy = b = new WithByteBuddy();
                }
            }
        }
        return b;
    }

    Weaver(Instrumentation inst, TransformLog log) {
        this.inst = inst;
        this.log = log;
    }

    /**
     * The rewritten class file, or {@code null} when the class declares no {@code @Idempotent} method. Throws when
     * the class cannot be woven; the {@link GuardTransformer} then makes its methods refuse to run.
     */
    byte[] weave(Module module, ClassLoader loader, String internalName, byte[] classFile, boolean loaded) {
        TestFailures.at(TestFailures.WEAVE);
        Woven woven = rewrite(loader, internalName, classFile);
        if (woven == null) {
            return null;
        }
        readAgent(module);
        log.instrumented(internalName.replace('/', '.'), woven.methods(), loaded);
        dev.idempotency.bridge.Protection.instrumented(loader, internalName.replace('/', '.'));
        return woven.classFile();
    }

    /**
     * The servlet API's {@code HttpServlet}, with {@link ServletAdvice} in front of its {@code service}; {@code null}
     * (left as it is, with a line saying so) where its loader cannot see the agent.
     */
    byte[] weaveServlet(ClassLoader loader, String internalName, byte[] classFile) {
        if (!loaders.seesAgent(loader)) {
            return null; // seesAgent said so
        }
        byte[] woven;
        try {
            woven = InlineAdvice.servlet(classFile);
        } catch (MethodTooLargeException tooLarge) {
            throw tooLarge; // Byte Buddy's advice would not fit either
        } catch (RuntimeException leftToByteBuddy) {
            log.byteBuddy(internalName, leftToByteBuddy);
            WithByteBuddy b = byteBuddy();
            Parsed parsed = Parsed.of(loader, internalName, classFile);
            woven = b.byteBuddy.decorate(parsed.type(), parsed.locator()).visit(b.servlet).make(parsed.pool()).getBytes();
        }
        log.servlet(internalName.replace('/', '.'), loader);
        return woven;
    }

    /**
     * Weaves a class of the agent's own and throws the result away: runs every code path of a real weave once, so
     * that the application's first {@code @Idempotent} class finds them loaded (see {@link Warmup}).
     */
    void rehearse() throws IOException {
        byte[] classFile;
        try (InputStream in = Warmup.class.getResourceAsStream("Warmup.class")) {
            classFile = in.readAllBytes();
        }
        rewrite(Warmup.class.getClassLoader(), Warmup.class.getName().replace('.', '/'), classFile);
    }

    /** A rewritten class file and the number of methods that got the advice. */
    private record Woven(byte[] classFile, int methods) {
    }

    private Woven rewrite(ClassLoader loader, String internalName, byte[] classFile) {
        Woven woven;
        try {
            if (TestFailures.injected(TestFailures.INLINE)) {
                throw new InlineAdvice.Unsupported("-D" + TestFailures.PROPERTY + "=" + TestFailures.INLINE);
            }
            InlineAdvice.Result inline = InlineAdvice.idempotent(classFile);
            woven = inline == null ? null : new Woven(inline.classFile(), inline.methods());
        } catch (MethodTooLargeException tooLarge) {
            throw tooLarge; // Byte Buddy's advice would not fit either
        } catch (RuntimeException leftToByteBuddy) {
            log.byteBuddy(internalName, leftToByteBuddy);
            woven = withByteBuddy(loader, internalName, classFile);
        }
        if (woven == null) {
            return null; // names the annotation's type, but declares no method that carries it
        }
        if (!loaders.seesAgent(loader)) {
            return new Woven(Refusal.rewrite(classFile, "its class loader cannot see the idempotency agent's classes"
                    + " (dev.idempotency.*), so it cannot be made idempotent; let that loader delegate"
                    + " dev.idempotency.* to the system class loader", Refusal.apiVisible(loader)), woven.methods());
        }
        return woven;
    }

    private Woven withByteBuddy(ClassLoader loader, String internalName, byte[] classFile) {
        WithByteBuddy b = byteBuddy();
        Parsed parsed = Parsed.of(loader, internalName, classFile);
        TypeDescription type = parsed.type();
        MethodList<?> methods = type.getDeclaredMethods().filter(WithByteBuddy.IDEMPOTENT_METHODS);
        if (methods.isEmpty()) {
            return null;
        }
        DynamicType.Builder<?> builder = b.byteBuddy.decorate(type, parsed.locator()).visit(b.idempotent)
                .visit(b.prepare);
        return new Woven(builder.make(parsed.pool()).getBytes(), methods.size());
    }

    /** A class file as Byte Buddy describes it, its supertypes looked up lazily through its loader. */
    private record Parsed(TypeDescription type, ClassFileLocator locator, TypePool pool) {
        static Parsed of(ClassLoader loader, String internalName, byte[] classFile) {
            String name = internalName.replace('/', '.');
            ClassFileLocator locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(name, classFile),
                    ClassFileLocator.ForClassLoader.of(loader));
            TypePool pool = new TypePool.Default.WithLazyResolution(new TypePool.CacheProvider.Simple(), locator,
                    TypePool.Default.ReaderMode.FAST);
            return new Parsed(pool.describe(name).resolve(), locator, pool);
        }
    }

    /** A class in a named module must read the unnamed module that the agent's classes live in. */
    private void readAgent(Module module) {
        Module agent = AgentCalls.class.getModule();
        if (module != null && module.isNamed() && !module.canRead(agent)) {
            inst.redefineModule(module, Set.of(agent), Map.of(), Map.of(), Set.of(), Map.of());
        }
    }

    /**
     * Whether a class loader sees the agent's own classes and the api's annotation, so that inlined advice links
     * against the runtime the agent configured. Asked once per loader, and only for loaders of classes that name
     * {@code @Idempotent}.
     */
    static final class LoaderCheck {
        private final Map<ClassLoader, Boolean> answers = new WeakHashMap<>();

        synchronized boolean seesAgent(ClassLoader loader) {
            if (loader == null) {
                return false;
            }
            Boolean answer = answers.get(loader);
            if (answer == null) {
                answer = sameClass(loader, AgentCalls.class) && sameClass(loader, Invocation.class)
                        && sameClass(loader, Idempotent.class);
                answers.put(loader, answer);
                if (!answer) {
                    AgentOutput.error("class loader " + loader + " does not see the agent's classes (dev.idempotency.*"
                            + " from the agent jar); @Idempotent methods of its classes refuse to run");
                }
            }
            return answer;
        }

        /** Whether the loader finds the very class given (not another copy of it, nor none). */
        static boolean sameClass(ClassLoader loader, Class<?> type) {
            try {
                return Class.forName(type.getName(), false, loader) == type;
            } catch (ClassNotFoundException | LinkageError e) {
                return false;
            }
        }
    }
}
