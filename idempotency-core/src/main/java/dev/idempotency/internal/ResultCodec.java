package dev.idempotency.internal;

import dev.idempotency.bridge.MethodNames;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.deser.AbstractDeserializer;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBase;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.spi.Outcome;
import java.io.InputStream;
import java.io.Reader;
import java.lang.reflect.Constructor;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.stream.BaseStream;

/**
 * Encodes a method's results as JSON by its declared generic return type, and reads them back as that type only.
 * Built and checked once per method: an unsupported return type is a configuration error before the first call.
 */
final class ResultCodec {

    private static final String VOID_BODY = "";

    private final boolean isVoid;
    private final boolean async;
    /** The declared value type; for a plain value, Jackson's view of it is made when a result is first encoded. */
    private final Type declaredValue;
    /** The value type, its writer and reader; {@code null} until first needed for a plain value. */
    private volatile Jackson jackson;
    /** The exact class of results that are immutable all the way down, or null if the declared type is not. */
    private final Class<?> immutableClass;
    private final java.util.function.Function<Object, String> bodyEncoder = this::encodeBody;

    /** Jackson's view of the value type. */
    private record Jackson(JavaType valueType, ObjectWriter writer, ObjectReader reader) {
        static Jackson of(JavaType valueType) {
            return new Jackson(valueType, Json.RESULTS.writerFor(valueType), Json.RESULTS.readerFor(valueType));
        }
    }

    private ResultCodec(boolean isVoid, boolean async, JavaType valueType) {
        this.isVoid = isVoid;
        this.async = async;
        this.declaredValue = valueType;
        this.jackson = valueType == null ? null : Jackson.of(valueType);
        this.immutableClass = valueType == null ? null : Immutables.exactClass(valueType);
    }

    /**
     * A plain value (a primitive, a JDK value type, an enum): readable by construction, so nothing is asked of Jackson
     * until a result must be encoded or decoded. An in-process store keeps such results as they are and never does:
     * a method returning a {@code String} on the memory store never loads Jackson.
     */
    private ResultCodec(boolean async, Class<?> plainValue) {
        this.isVoid = false;
        this.async = async;
        this.declaredValue = plainValue;
        this.immutableClass = Immutables.exactClass(plainValue);
    }

    private Jackson jackson() {
        Jackson j = jackson;
        if (j == null) {
            jackson = j = Jackson.of(Json.RESULTS.getTypeFactory().constructType(declaredValue));
        }
        return j;
    }

    static ResultCodec forMethod(Method method) {
        return forType(method.getGenericReturnType(), "@Idempotent on " + MethodNames.describe(method),
                MethodNames.defaultNamespace(method));
    }

    /**
     * @param what      who declares the type, for messages, e.g. {@code @Idempotent on Payments.pay(String)}
     * @param namespace for the exception's accessor
     */
    static ResultCodec forType(Type declared, String what, String namespace) {
        Where where = new Where(declared, what, namespace);
        Type type = declared;
        Class<?> raw = erase(type);
        boolean async = false;
        if (CompletionStage.class.isAssignableFrom(raw)) {
            if (raw != CompletionStage.class && raw != CompletableFuture.class) {
                throw unsupported(where, "declare CompletionStage<T> or CompletableFuture<T>");
            }
            if (!(type instanceof ParameterizedType p)) {
                throw unsupported(where, "declare the value type, e.g. CompletableFuture<Receipt>");
            }
            async = true;
            type = p.getActualTypeArguments()[0];
            raw = erase(type);
        }
        if (raw == void.class || raw == Void.class) {
            return new ResultCodec(true, async, null);
        }
        check(where, type);
        if (type instanceof Class<?> plain && Immutables.isPlainValue(plain)) {
            return new ResultCodec(async, plain);
        }
        JavaType javaType = Json.RESULTS.getTypeFactory().constructType(type);
        checkReadable(where, javaType);
        return new ResultCodec(false, async, javaType);
    }

    /** The declared type and who declares it, for messages. */
    private record Where(Type declared, String what, String namespace) {
    }

    boolean isAsync() {
        return async;
    }

    String describeType() {
        return isVoid ? "void" : declaredValue instanceof Class<?> c ? c.getName() : jackson().valueType().toCanonical();
    }

    Outcome encode(Object value) throws JsonProcessingException {
        return Outcome.value(isVoid ? VOID_BODY : jackson().writer().writeValueAsString(value));
    }

    /**
     * For a store that keeps records in this JVM: the value itself when nobody can change it (void, null, or an
     * instance of exactly the declared immutable type), else {@code null} and the caller encodes.
     */
    Outcome live(Object value) {
        if (isVoid || value == null || value.getClass() == immutableClass) {
            return Outcome.live(isVoid ? null : value, bodyEncoder);
        }
        return null;
    }

    private String encodeBody(Object value) {
        if (isVoid) {
            return VOID_BODY;
        }
        try {
            return jackson().writer().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a result as " + describeType() + ": " + e.getMessage(), e);
        }
    }

    Object decode(String body) throws JsonProcessingException {
        if (isVoid) {
            if (!body.isEmpty()) {
                throw new IllegalStateException("a void result must have an empty body");
            }
            return null;
        }
        return jackson().reader().readValue(body);
    }

    static Outcome encodeException(Throwable t) throws JsonProcessingException {
        return Outcome.exception(t.getClass().getName(), Json.RESULTS.writeValueAsString(t));
    }

    /**
     * Reads a remembered exception back, only as a class that the method remembers: a record naming any other
     * class is refused, never instantiated.
     */
    static Throwable decodeException(String typeName, String body, Class<? extends Throwable>[] remembered,
                                     ClassLoader loader) throws Exception {
        Class<?> type = Class.forName(typeName, false, loader);
        Class<? extends Throwable> allowed = null;
        for (Class<? extends Throwable> r : remembered) {
            if (r.isAssignableFrom(type)) {
                allowed = type.asSubclass(r);
                break;
            }
        }
        if (allowed == null) {
            throw new IllegalStateException(typeName + " is not one of the method's rememberExceptions types");
        }
        try {
            return Json.RESULTS.readerFor(allowed).without(
                    com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(body);
        } catch (JsonProcessingException e) {
            String message = Json.RESULTS.readTree(body).path("message").asText(null);
            try {
                Constructor<? extends Throwable> withMessage = allowed.getConstructor(String.class);
                return withMessage.newInstance(message);
            } catch (NoSuchMethodException noMessageConstructor) {
                return allowed.getConstructor().newInstance();
            }
        }
    }

    private static void check(Where method, Type type) {
        if (type instanceof TypeVariable<?> v) {
            throw unsupported(method,
                    "the type variable " + v.getName() + " cannot be decoded: declare a concrete type");
        }
        if (type instanceof WildcardType w) {
            Type[] upper = w.getUpperBounds();
            check(method, upper.length == 0 ? Object.class : upper[0]);
            return;
        }
        if (type instanceof GenericArrayType a) {
            check(method, a.getGenericComponentType());
            return;
        }
        if (type instanceof ParameterizedType p) {
            checkNotAValue(method, (Class<?>) p.getRawType());
            for (Type arg : p.getActualTypeArguments()) {
                check(method, arg);
            }
            return;
        }
        Class<?> raw = (Class<?>) type;
        if (raw == Object.class) {
            throw unsupported(method,
                    "Object says nothing of what to decode: declare the concrete type");
        }
        checkNotAValue(method, raw);
        if (raw.getTypeParameters().length > 0) {
            throw unsupported(method,
                    "the raw type " + raw.getSimpleName() + " needs its type arguments, e.g. "
                            + raw.getSimpleName() + "<Order>");
        }
    }

    private static void checkNotAValue(Where method, Class<?> raw) {
        if (Future.class.isAssignableFrom(raw)) {
            throw unsupported(method,
                    "a Future cannot be completed later: declare CompletionStage<T> or CompletableFuture<T>");
        }
        if (BaseStream.class.isAssignableFrom(raw) || Iterator.class.isAssignableFrom(raw)
                || InputStream.class.isAssignableFrom(raw) || Reader.class.isAssignableFrom(raw)) {
            throw unsupported(method, raw.getSimpleName() + " is not a value");
        }
    }

    private static void checkReadable(Where method, JavaType type) {
        if (type.isContainerType() || type.isReferenceType()) {
            if (type.getKeyType() != null) {
                checkReadable(method, type.getKeyType());
            }
            if (type.getContentType() != null) {
                checkReadable(method, type.getContentType());
            }
            return;
        }
        if (type.isPrimitive() || type.isEnumType() || type.getRawClass().isAnnotationPresent(JsonTypeInfo.class)) {
            return;
        }
        JsonDeserializer<Object> deserializer;
        try {
            DefaultDeserializationContext context = ((DefaultDeserializationContext) Json.RESULTS
                    .getDeserializationContext()).createInstance(Json.RESULTS.getDeserializationConfig(), null, null);
            deserializer = context.findRootValueDeserializer(type);
        } catch (Exception e) {
            throw unsupported(method,
                    type.getRawClass().getSimpleName() + " cannot be decoded: " + e.getMessage());
        }
        if (deserializer instanceof AbstractDeserializer) {
            throw unsupported(method, type.getRawClass().getSimpleName()
                    + " is abstract: declare a concrete type (no polymorphic typing is used)");
        }
        if (deserializer instanceof BeanDeserializerBase bean && !bean.getValueInstantiator().canInstantiate()) {
            throw unsupported(method, type.getRawClass().getSimpleName()
                    + " has no constructor to decode with: add a no-argument constructor, make it a record, or"
                    + " compile with -parameters and annotate its constructor with @JsonCreator");
        }
        if (deserializer instanceof BeanDeserializerBase) {
            checkProperties(method, type, new java.util.HashSet<>());
        }
    }

    /**
     * Every property a replay would decode, at any depth, must come back as what the first caller got and must not let
     * a stored record choose a class: {@code Object} (a BigDecimal would come back a Double), {@code Class} (a record
     * could name any class to load), an abstract type without {@code @JsonTypeInfo}, or one under a JDK base type, are
     * refused here, before the method runs, rather than fail every replay.
     */
    private static void checkProperties(Where where, JavaType owner, java.util.Set<JavaType> seen) {
        if (!seen.add(owner)) {
            return;
        }
        com.fasterxml.jackson.databind.DeserializationConfig config = Json.RESULTS.getDeserializationConfig();
        com.fasterxml.jackson.databind.BeanDescription description = config.introspect(owner);
        for (com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition property : description.findProperties()) {
            if (!property.couldDeserialize() && !property.hasConstructorParameter()) {
                continue;
            }
            com.fasterxml.jackson.databind.introspect.AnnotatedMember member = property.getPrimaryMember();
            boolean typed = member != null
                    && config.getAnnotationIntrospector().findPolymorphicTypeInfo(config, member) != null;
            checkPropertyType(where, owner, property.getName(), property.getPrimaryType(), typed, seen);
        }
    }

    private static void checkPropertyType(Where where, JavaType owner, String name, JavaType type, boolean typed,
                                          java.util.Set<JavaType> seen) {
        if (type.isContainerType() || type.isReferenceType()) {
            if (type.getKeyType() != null) {
                checkPropertyType(where, owner, name, type.getKeyType(), false, seen);
            }
            if (type.getContentType() != null) {
                checkPropertyType(where, owner, name, type.getContentType(), typed, seen);
            }
            return;
        }
        Class<?> raw = type.getRawClass();
        String what = "property '" + name + "' of " + owner.getRawClass().getSimpleName();
        if (raw == Object.class) {
            throw unsupported(where, what + " is typed Object: a replay would read back whatever the JSON looks like"
                    + " (a BigDecimal as a Double), not what the first caller got; declare its type");
        }
        if (raw == Class.class) {
            throw unsupported(where, what + " is a Class: a stored record could name any class to load; store the"
                    + " class name as a String and resolve it yourself");
        }
        if (raw.isPrimitive() || raw.isEnum() || raw.isArray() && raw.getComponentType().isPrimitive()) {
            return;
        }
        boolean jdk = raw.getName().startsWith("java.") || raw.getName().startsWith("javax.");
        boolean abstractType = raw.isInterface() || java.lang.reflect.Modifier.isAbstract(raw.getModifiers());
        if (abstractType) {
            com.fasterxml.jackson.databind.DeserializationConfig config = Json.RESULTS.getDeserializationConfig();
            typed |= config.getAnnotationIntrospector().findPolymorphicTypeInfo(config,
                    config.introspectClassAnnotations(type).getClassInfo()) != null;
            if (!typed) {
                if (jdk && Number.class.isAssignableFrom(raw)) {
                    throw unsupported(where, what + " is typed " + raw.getSimpleName() + ": a replay would read back"
                            + " whatever number type the JSON suggests; declare BigDecimal, long, …");
                }
                if (jdk && !Number.class.isAssignableFrom(raw)) {
                    return; // JDK abstractions Jackson reads itself (CharSequence, TemporalAmount, …)
                }
                throw unsupported(where, what + " is of the abstract type " + raw.getName() + ", which cannot be"
                        + " decoded without @JsonTypeInfo on it: declare a concrete type, or name its subtypes");
            }
            if (jdk) {
                throw unsupported(where, what + " asks for class names under the JDK type " + raw.getName()
                        + ", under which no class may be named: declare a base type of your own");
            }
            return;
        }
        if (!jdk) {
            checkProperties(where, type, seen);
        }
    }

    private static Class<?> erase(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        return Object.class;
    }

    private static IdempotencyConfigurationException unsupported(Where where, String why) {
        return new IdempotencyConfigurationException(where.what() + ": unsupported return type "
                + where.declared().getTypeName() + ": " + why, where.namespace(), null);
    }
}
