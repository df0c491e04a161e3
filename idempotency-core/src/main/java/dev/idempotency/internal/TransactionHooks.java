package dev.idempotency.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the transaction a call runs in, if any, so that a store outside that transaction records the call's outcome
 * only once it commits: the application's own scope ({@link Scope}, opened through
 * {@code dev.idempotency.core.IdempotencyTransaction}), else Spring's transaction synchronisation when Spring is
 * visible to the annotated method's class loader. Spring is reached reflectively, through that loader, so that the
 * same code serves woven applications and the agent (whose core cannot link against the application's Spring).
 */
public final class TransactionHooks {

    /** What to do once the transaction has ended. */
    interface Ending {
        void committed();

        void rolledBack();

        /** The transaction manager could not tell whether it committed. */
        void unknown();
    }

    private static final ThreadLocal<Scope> SCOPES = new ThreadLocal<>();

    /** Spring's synchronisation, looked up once per class loader of annotated classes; NONE where it is absent. */
    private static final ClassValue<Spring> SPRING = new ClassValue<>() {
        @Override
        protected Spring computeValue(Class<?> type) {
            return Spring.find(type.getClassLoader());
        }
    };

    private TransactionHooks() {
    }

    /**
     * Registers {@code ending} with the transaction the current thread runs in.
     *
     * @return false if there is none (the caller acts at once)
     */
    static boolean defer(Class<?> declaringClass, Ending ending) {
        Scope scope = SCOPES.get();
        if (scope != null) {
            scope.endings.add(ending);
            return true;
        }
        return SPRING.get(declaringClass).register(ending);
    }

    /** How a transaction ended. */
    public enum Outcome {
        COMMITTED, ROLLED_BACK, UNKNOWN
    }

    /** An application's own transaction scope on one thread, opened and ended by {@code IdempotencyTransaction}. */
    public static final class Scope {
        private final List<Ending> endings = new ArrayList<>();

        private Scope() {
        }

        public static Scope open() {
            if (SCOPES.get() != null) {
                throw new IllegalStateException("IdempotencyTransaction.execute is already running on this thread;"
                        + " transactions do not nest");
            }
            Scope scope = new Scope();
            SCOPES.set(scope);
            return scope;
        }

        /** Unbinds the scope from its thread, then records or gives up what waited for it. */
        public void end(Outcome outcome) {
            SCOPES.remove();
            List<Ending> due = new ArrayList<>(endings);
            endings.clear();
            for (Ending ending : due) {
                run(ending, outcome.ordinal());
            }
        }
    }

    private static void run(Ending ending, int status) {
        try {
            switch (status) {
                case 0 -> ending.committed();
                case 1 -> ending.rolledBack();
                default -> ending.unknown();
            }
        } catch (RuntimeException | Error e) {
            Log.LOGGER.log(System.Logger.Level.ERROR, "idempotency: recording an outcome after the transaction ended failed", e);
        }
    }

    /** Spring's {@code TransactionSynchronizationManager}, through method handles. */
    private static final class Spring {
        static final Spring NONE = new Spring(null, null, null, null);

        private final MethodHandle active;
        private final MethodHandle actual;
        private final MethodHandle register;
        private final Class<?> synchronization;

        private Spring(MethodHandle active, MethodHandle actual, MethodHandle register, Class<?> synchronization) {
            this.active = active;
            this.actual = actual;
            this.register = register;
            this.synchronization = synchronization;
        }

        static Spring find(ClassLoader loader) {
            try {
                Class<?> manager = Class.forName(
                        "org.springframework.transaction.support.TransactionSynchronizationManager", true, loader);
                Class<?> synchronization = Class.forName(
                        "org.springframework.transaction.support.TransactionSynchronization", true, loader);
                MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                return new Spring(
                        lookup.findStatic(manager, "isSynchronizationActive", MethodType.methodType(boolean.class)),
                        lookup.findStatic(manager, "isActualTransactionActive", MethodType.methodType(boolean.class)),
                        lookup.findStatic(manager, "registerSynchronization",
                                MethodType.methodType(void.class, synchronization)),
                        synchronization);
            } catch (LinkageError | ReflectiveOperationException | SecurityException e) {
                return NONE;
            }
        }

        boolean register(Ending ending) {
            if (register == null) {
                return false;
            }
            try {
                if (!(boolean) active.invokeExact() || !(boolean) actual.invokeExact()) {
                    return false;
                }
                Object listener = Proxy.newProxyInstance(synchronization.getClassLoader(),
                        new Class<?>[] {synchronization}, new AfterCompletion(ending));
                register.invoke(listener);
                return true;
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException("cannot register with Spring's transaction", t);
            }
        }
    }

    /** A {@code TransactionSynchronization} that acts in {@code afterCompletion(status)}; its other methods keep their defaults. */
    private static final class AfterCompletion implements InvocationHandler {
        private final Ending ending;

        AfterCompletion(Ending ending) {
            this.ending = ending;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "afterCompletion" -> {
                    // STATUS_COMMITTED = 0, STATUS_ROLLED_BACK = 1, STATUS_UNKNOWN = 2
                    run(ending, (Integer) args[0]);
                    return null;
                }
                case "getOrder" -> {
                    return Integer.MAX_VALUE; // after everything else
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "toString" -> {
                    return "idempotency after-commit recording";
                }
                default -> {
                    return method.isDefault() ? InvocationHandler.invokeDefault(proxy, method, args) : null;
                }
            }
        }
    }
}
