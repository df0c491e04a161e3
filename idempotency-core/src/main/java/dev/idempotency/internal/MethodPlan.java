package dev.idempotency.internal;

import dev.idempotency.bridge.MethodNames;
import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.IdempotencyKeyException;
import dev.idempotency.Idempotent;
import dev.idempotency.OnInProgress;
import java.lang.reflect.Method;
import java.time.Duration;

/**
 * Everything about one {@code @Idempotent} method that can be worked out before the first call: namespace,
 * compiled key and payload expressions, ttl and lease, result codec. A method whose annotation is bad gets a plan
 * that refuses every call with the same {@link IdempotencyConfigurationException}.
 */
public final class MethodPlan {

    static final int MAX_KEY_LENGTH = 255;

    final Method method;
    /** The class whose loader sees the caller's types: the method's declaring class, or a programmatic caller's. */
    final Class<?> context;
    final String description;
    final String namespace;
    final Expression key;
    final Expression fingerprint;
    final boolean fingerprintNone;
    final Duration ttl;
    final Duration lease;
    final OnInProgress onInProgress;
    final Class<? extends Throwable>[] remember;
    final ResultCodec codec;
    final IdempotencyConfigurationException failure;

    private MethodPlan(Method method, Idempotent annotation) {
        this.method = method;
        this.context = method.getDeclaringClass();
        this.description = MethodNames.describe(method);
        this.namespace = annotation.namespace().isEmpty() ? MethodNames.defaultNamespace(method)
                : annotation.namespace();
        this.onInProgress = annotation.onInProgress();
        this.remember = checkRemembered(annotation.rememberExceptions());
        this.key = ExpressionCompiler.compile(method, "key", annotation.key());
        String fp = annotation.fingerprint().trim();
        this.fingerprintNone = fp.equals("none");
        this.fingerprint = fp.isEmpty() || fingerprintNone ? null
                : ExpressionCompiler.compile(method, "fingerprint", annotation.fingerprint());
        this.ttl = duration(annotation, "ttl", annotation.ttl());
        this.lease = duration(annotation, "lease", annotation.lease());
        checkKeyTypes();
        checkPayloadTypes();
        this.codec = ResultCodec.forMethod(method);
        this.failure = null;
    }

    private MethodPlan(Method method, String namespace, IdempotencyConfigurationException failure) {
        this.method = method;
        this.context = method.getDeclaringClass();
        this.description = MethodNames.describe(method);
        this.namespace = namespace;
        this.key = null;
        this.fingerprint = null;
        this.fingerprintNone = false;
        this.ttl = null;
        this.lease = null;
        this.onInProgress = OnInProgress.REJECT;
        @SuppressWarnings("unchecked")
        Class<? extends Throwable>[] none = new Class[0];
        this.remember = none;
        this.codec = null;
        this.failure = failure;
    }

    /**
     * A plan for code that calls the engine directly (the programmatic API): no method, no expressions; the key and
     * the payload are given per call.
     *
     * @param context the caller's class, whose loader sees its result and exception types
     */
    private MethodPlan(String namespace, java.lang.reflect.Type resultType, Duration ttl, Duration lease,
                       OnInProgress onInProgress, Class<? extends Throwable>[] remember, Class<?> context) {
        this.method = null;
        this.context = context;
        this.description = "the idempotent call in namespace '" + namespace + "'";
        this.namespace = namespace;
        this.key = null;
        this.fingerprint = null;
        this.fingerprintNone = false;
        this.ttl = ttl;
        this.lease = lease;
        this.onInProgress = onInProgress;
        this.remember = checkRemembered(remember);
        this.codec = ResultCodec.forType(resultType, description, namespace);
        this.failure = null;
    }

    /**
     * The plan of a programmatic call; a bad result type or a too broad remembered exception is an
     * {@link IdempotencyConfigurationException} at once.
     */
    public static MethodPlan programmatic(String namespace, java.lang.reflect.Type resultType, Duration ttl,
                                          Duration lease, OnInProgress onInProgress,
                                          Class<? extends Throwable>[] remember, Class<?> context) {
        return new MethodPlan(namespace, resultType, ttl, lease, onInProgress, remember, context);
    }

    /** Compiles the plan; a bad annotation gives a failed plan rather than an exception. */
    public static MethodPlan compile(Method method) {
        Idempotent annotation = method.getAnnotation(Idempotent.class);
        String namespace = MethodNames.defaultNamespace(method);
        if (annotation == null) {
            return new MethodPlan(method, namespace, new IdempotencyConfigurationException(
                    MethodNames.describe(method) + " is not annotated @Idempotent", namespace, null));
        }
        if (!annotation.namespace().isEmpty()) {
            namespace = annotation.namespace();
        }
        try {
            return new MethodPlan(method, annotation);
        } catch (IdempotencyConfigurationException e) {
            return new MethodPlan(method, namespace, new IdempotencyConfigurationException(
                    e.getMessage(), namespace, null, e.getCause()));
        } catch (RuntimeException | LinkageError e) {
            return new MethodPlan(method, namespace, new IdempotencyConfigurationException(
                    "@Idempotent on " + MethodNames.describe(method) + " cannot be compiled: " + e, namespace, null, e));
        }
    }

    /** The configuration error of a method that must refuse to run, or {@code null}. */
    public IdempotencyConfigurationException failure() {
        return failure;
    }

    public String namespace() {
        return namespace;
    }

    public String description() {
        return description;
    }

    public Method method() {
        return method;
    }

    boolean remembers(Throwable t) {
        for (Class<? extends Throwable> type : remember) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** The key for these arguments, refused if null, blank or too long: before the body can run. */
    String key(Object[] args) {
        Expression.Term[] terms = key.terms;
        if (terms.length == 1) {
            Object value = evaluate(terms[0], args);
            if (value == null) {
                throw keyError(null, "the key " + terms[0].text + " is null" + unbound(terms[0]));
            }
            return checkKey(value.toString());
        }
        StringBuilder sb = new StringBuilder(64);
        for (Expression.Term term : terms) {
            Object value = evaluate(term, args);
            if (value == null) {
                throw keyError(null, "the key part " + term.text + " is null" + unbound(term));
            }
            sb.append(value);
        }
        return checkKey(sb.toString());
    }

    /** Why a part of the request is null when no request is bound: most often, a call made off the request's thread. */
    private static String unbound(Expression.Term term) {
        return term.readsRequest() && dev.idempotency.core.CurrentRequest.current() == null
                ? " because no request is bound to this thread: the web layer binds it only on the thread that runs"
                + " the request (not on threads its work is handed to, as in asynchronous requests)"
                : "";
    }

    /**
     * Refuses, in one pass, keys that stores and logs cannot carry faithfully: a lone surrogate (UTF-8 encoders turn
     * it into {@code ?}, so "order-" + U+D800 would share a record with {@code order-?}), and control characters
     * (C0 with NUL, tab and newline; DEL; C1): keys go into headers, logs and database columns.
     */
    String checkKey(String key) {
        int length = key.length();
        if (length > MAX_KEY_LENGTH) {
            throw keyError(Utf16.printable(key.substring(0, 32)) + "…", "the key is " + length
                    + " characters long, more than the " + MAX_KEY_LENGTH + " allowed");
        }
        for (int i = 0; i < length; i++) {
            char c = key.charAt(i);
            if (c >= 0x20 && c < 0x7F) {
                continue;
            }
            if (Utf16.isControl(c)) {
                throw badCharacter(key, i, "a control character");
            }
            if (Utf16.isInvisible(c)) {
                // bidi overrides, zero-width characters, line breaks: a key that reads as another in logs
                throw badCharacter(key, i, "an invisible formatting or line-breaking character");
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < length && Character.isLowSurrogate(key.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw badCharacter(key, i, "a lone high surrogate (not well-formed UTF-16)");
            }
            if (Character.isLowSurrogate(c)) {
                throw badCharacter(key, i, "a lone low surrogate (not well-formed UTF-16)");
            }
        }
        if (key.isBlank()) {
            throw keyError(key, "the key is blank");
        }
        return key;
    }

    private IdempotencyKeyException badCharacter(String key, int position, String what) {
        String printable = Utf16.printable(key);
        return keyError(printable, "the key '" + printable + "' has " + what + ", " + Utf16.escape(key.charAt(position))
                + ", at position " + position + " (counting UTF-16 units from 0); keys must be well-formed text"
                + " without control characters");
    }

    private Object evaluate(Expression.Term term, Object[] args) {
        try {
            return term.value(args);
        } catch (Expression.NullPart e) {
            throw keyError(null, "the key part " + e.term.text + " is null" + unbound(e.term));
        } catch (UnreadablePayloadException e) {
            throw new IdempotencyConfigurationException("@Idempotent(key = \"" + key.source + "\") on " + description
                    + ": cannot hash the content in " + term.text + ": " + e.getMessage() + ", so it would agree with"
                    + " every other such value; hash what identifies the request, e.g. #contentHash(#req.id); the"
                    + " method did not run", namespace, null, e);
        } catch (IdempotencyKeyException e) {
            throw new IdempotencyKeyException(e.getMessage() + " (@Idempotent(key = \"" + key.source + "\") on "
                    + description + "); the method did not run", namespace, null);
        } catch (Throwable t) {
            throw new IdempotencyKeyException("@Idempotent(key = \"" + key.source + "\") on " + description
                    + ": reading " + term.text + " threw " + t, namespace, null, t);
        }
    }

    private IdempotencyKeyException keyError(String badKey, String why) {
        String where = key == null ? description : "@Idempotent(key = \"" + key.source + "\") on " + description
                + ", namespace " + namespace;
        return new IdempotencyKeyException(why + " (" + where + "); the method did not run", namespace, badKey);
    }

    /** A programmatic call's key: refused if null, blank, too long or malformed, before the body can run. */
    String givenKey(String key) {
        if (key == null) {
            throw keyError(null, "the key is null");
        }
        return checkKey(key);
    }

    /** A programmatic call's payload fingerprint; {@code hasPayload} false switches the check off. */
    String givenFingerprint(Object payload, boolean hasPayload, String key, boolean inProcess) {
        if (!hasPayload) {
            return Fingerprints.NONE;
        }
        try {
            return Fingerprints.of(payload, inProcess);
        } catch (UnreadablePayloadException e) {
            throw new IdempotencyConfigurationException(description + ": cannot fingerprint the payload: "
                    + e.getMessage() + ", so it would agree with every other such payload; pass what identifies the"
                    + " request as the payload (e.g. its id), or none; the body did not run", namespace, key, e);
        } catch (RuntimeException e) {
            throw new IdempotencyConfigurationException(description + ": cannot fingerprint the payload: "
                    + e.getMessage() + "; the body did not run", namespace, key, e);
        }
    }

    /** @param inProcess whether the store keeps records in this JVM (see {@link Fingerprints#of(Object, boolean)}) */
    String fingerprint(Object[] args, String key, boolean inProcess) {
        return (String) fingerprinted(args, key, inProcess, null);
    }

    /**
     * Whether the call's payload has the fingerprint {@code stored}, as {@link #fingerprint fingerprint(args, key,
     * true)} would give it for an in-process store, without building it when the payload is small. Fails as that does.
     */
    boolean fingerprintMatches(Object[] args, String key, String stored) {
        return (Boolean) fingerprinted(args, key, true, stored);
    }

    /** The fingerprint, or with {@code stored} given, whether it equals that. */
    private Object fingerprinted(Object[] args, String key, boolean inProcess, String stored) {
        if (fingerprintNone) {
            return stored == null ? Fingerprints.NONE : (Object) Fingerprints.NONE.equals(stored);
        }
        try {
            if (fingerprint == null) {
                return stored == null ? Fingerprints.of(args, inProcess) : (Object) Fingerprints.matches(args, stored);
            }
            Expression.Term[] terms = fingerprint.terms;
            if (terms.length == 1) {
                Object value = evaluateFingerprint(terms[0], args, key);
                return stored == null ? Fingerprints.of(value, inProcess) : (Object) Fingerprints.matches(value, stored);
            }
            Object[] values = new Object[terms.length];
            for (int i = 0; i < terms.length; i++) {
                values[i] = evaluateFingerprint(terms[i], args, key);
            }
            return stored == null ? Fingerprints.ofTerms(values, inProcess)
                    : (Object) Fingerprints.matchesTerms(values, stored);
        } catch (UnreadablePayloadException e) {
            throw new IdempotencyConfigurationException("@Idempotent on " + description + ": cannot fingerprint the"
                    + " payload (" + payloadText() + "): " + e.getMessage() + ", so it would agree with every other"
                    + " such payload; name what identifies the request with a fingerprint expression, e.g."
                    + " fingerprint = \"#req.id\", or switch the check off with fingerprint = \"none\"; the method did"
                    + " not run", namespace, key, e);
        } catch (IdempotencyConfigurationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IdempotencyConfigurationException("@Idempotent on " + description
                    + ": cannot fingerprint the payload (" + payloadText() + "): " + e.getMessage()
                    + "; name the payload with fingerprint = \"#req\", or switch the check off with fingerprint = \"none\"",
                    namespace, key, e);
        }
    }

    private String payloadText() {
        return fingerprint == null ? "all arguments" : "fingerprint = \"" + fingerprint.source + "\"";
    }

    private Object evaluateFingerprint(Expression.Term term, Object[] args, String key) {
        try {
            return term.value(args);
        } catch (IdempotencyKeyException e) {
            throw new IdempotencyKeyException(e.getMessage() + " (@Idempotent(fingerprint = \"" + fingerprint.source
                    + "\") on " + description + "); the method did not run", namespace, key);
        } catch (Throwable t) {
            throw new IdempotencyConfigurationException("@Idempotent(fingerprint = \"" + fingerprint.source
                    + "\") on " + description + ": reading " + term.text + " threw " + t, namespace, key, t);
        }
    }

    Duration ttlOr(Duration fallback) {
        return ttl != null ? ttl : fallback;
    }

    Duration leaseOr(Duration fallback) {
        return lease != null ? lease : fallback;
    }

    /** A key term must have a meaningful text: a value type or a type that declares its own toString(). */
    private void checkKeyTypes() {
        checkKeyTypes(key.terms);
    }

    private void checkKeyTypes(Expression.Term[] terms) {
        for (Expression.Term term : terms) {
            if (term.parameter == Expression.ELVIS) {
                checkKeyTypes(term.operands);
                checkKeyTypes(term.otherwise.terms);
                continue;
            }
            Class<?> type = term.staticType;
            if (term.isLiteral() || type.isPrimitive() || CharSequence.class.isAssignableFrom(type) || type.isEnum()
                    || Number.class.isAssignableFrom(type) || type == Boolean.class || type == Character.class
                    || type == java.util.UUID.class || type.getName().startsWith("java.time.")) {
                continue;
            }
            boolean ownToString;
            try {
                ownToString = !type.isInterface() && type.getMethod("toString").getDeclaringClass() != Object.class;
            } catch (NoSuchMethodException e) {
                ownToString = false;
            }
            if (!ownToString) {
                throw new IdempotencyConfigurationException("@Idempotent(key = \"" + key.source + "\") on "
                        + description + ": " + term.text + " is of type " + type.getName()
                        + ", which has no toString() of its own, so its text would not identify the request;"
                        + " name a property, e.g. " + term.text + ".id", namespace, null);
            }
        }
    }

    /**
     * A remembered type is the list of classes a stored record may name (and so instantiate) on replay: it must name
     * the application's own failures, never a root that every exception, transient ones included, belongs to.
     */
    private Class<? extends Throwable>[] checkRemembered(Class<? extends Throwable>[] types) {
        for (Class<? extends Throwable> type : types) {
            if (type == Throwable.class || type == Exception.class || type == RuntimeException.class
                    || type == Error.class || isTransientKind(type)) {
                throw new IdempotencyConfigurationException("@Idempotent(rememberExceptions = "
                        + type.getSimpleName() + ".class) on " + description + ": too broad or transient; it would remember"
                        + " transient failures (a timeout, a lost connection) as final answers, and let a stored record"
                        + " name any exception class on the classpath; name your business exceptions, e.g."
                        + " rememberExceptions = InsufficientFundsException.class", namespace, null);
            }
        }
        return types;
    }

    /**
     * JDK failures that mean "try again" rather than "no": I/O, timeouts, SQL and network errors. Remembered, a
     * blip would become the key's final answer.
     */
    private static boolean isTransientKind(Class<?> type) {
        String name = type.getName();
        if (!name.startsWith("java.") && !name.startsWith("javax.")) {
            return false;
        }
        for (Class<?> t = type; t != null; t = t.getSuperclass()) {
            String n = t.getName();
            if (n.equals("java.io.IOException") || n.equals("java.io.UncheckedIOException")
                    || n.equals("java.sql.SQLException") || n.endsWith("TimeoutException")) {
                return true;
            }
        }
        return false;
    }

    /**
     * A payload part must have state to compare: its declared type (each argument's when the payload is all
     * arguments, each term's otherwise) is refused here if it has none. Interfaces, abstract classes and
     * {@code Object} say nothing yet: their runtime types are checked on each call.
     */
    private void checkPayloadTypes() {
        if (fingerprintNone) {
            return;
        }
        if (fingerprint == null) {
            java.lang.reflect.Parameter[] parameters = method.getParameters();
            for (int i = 0; i < parameters.length; i++) {
                String problem = PayloadLayouts.problemOfDeclaredType(parameters[i].getType());
                if (problem != null) {
                    String name = "#" + (parameters[i].isNamePresent() ? parameters[i].getName() : "p" + i);
                    throw new IdempotencyConfigurationException("@Idempotent on " + description + ": the payload is"
                            + " all arguments, and " + name + " is of type " + parameters[i].getType().getName()
                            + ", which cannot be fingerprinted (" + problem + "), so different " + name + "s would"
                            + " look alike; name what identifies the request, e.g. fingerprint = \"" + name
                            + ".id\" (a property), or switch the check off with fingerprint = \"none\"",
                            namespace, null);
                }
            }
            return;
        }
        for (Expression.Term term : fingerprint.terms) {
            String problem = term.isLiteral() ? null : PayloadLayouts.problemOfDeclaredType(term.staticType);
            if (problem != null) {
                throw new IdempotencyConfigurationException("@Idempotent(fingerprint = \"" + fingerprint.source
                        + "\") on " + description + ": " + term.text + " is of type " + term.staticType.getName()
                        + ", which cannot be fingerprinted (" + problem + "), so different values would look alike;"
                        + " name a property that identifies it, e.g. " + term.text + ".id, or switch the check off"
                        + " with fingerprint = \"none\"", namespace, null);
            }
        }
    }

    private Duration duration(Idempotent annotation, String attribute, String value) {
        if (value.isEmpty()) {
            return null;
        }
        Duration d;
        try {
            d = dev.idempotency.spi.Options.duration(attribute, value);
        } catch (IllegalArgumentException e) {
            throw new IdempotencyConfigurationException("@Idempotent(" + attribute + " = \"" + value + "\") on "
                    + description + ": not a duration such as 10m, 30s or PT10M (ISO-8601)", namespace, null);
        }
        if (d.isNegative() || d.isZero() || d.toMillis() == 0) {
            throw new IdempotencyConfigurationException("@Idempotent(" + attribute + " = \"" + value + "\") on "
                    + description + ": " + attribute + " must be positive (at least PT0.001S), but was " + d,
                    namespace, null);
        }
        return d;
    }
}
