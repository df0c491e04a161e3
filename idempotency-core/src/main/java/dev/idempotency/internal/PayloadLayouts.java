package dev.idempotency.internal;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.introspect.AnnotatedField;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.AnnotatedMethod;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalAmount;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

/**
 * How {@link CanonicalBytes} writes an object that is not a string, number, collection or other built-in: worked out
 * once per class (a {@link ClassValue}), so a call reads properties through method handles and never introspects.
 *
 * <ul>
 *   <li>a record: its components;</li>
 *   <li>a JDK value class (another of the JDK's {@code Number}s or {@code CharSequence}s, {@code URI},
 *       {@code Locale}, a {@code Date} by its milliseconds, a {@code Timestamp} with its nanoseconds, …): its text;</li>
 *   <li>any other class, an application's {@code Number} or {@code CharSequence} included: its {@code @JsonValue},
 *       or the union of the properties Jackson's bean introspection finds for serialization and for deserialization
 *       ({@code @JsonIgnore} and {@code @JsonIgnoreProperties} respected each way), sorted by name, then the
 *       {@code @JsonAnyGetter} map and the JDK value it extends, if any; a property with no getter is read from its
 *       field, and one that cannot be read makes the class unreadable;</li>
 *   <li>a class with none of these is unreadable: it has no state a fingerprint could compare.</li>
 * </ul>
 *
 * Each layout's header names the runtime class, so two types with the same properties never agree.
 */
final class PayloadLayouts {

    private static final MethodType READER = MethodType.methodType(Object.class, Object.class);
    private static final MethodHandle REFLECTIVE_READ;
    private static final MethodHandle TO_STRING;
    private static final MethodHandle PLAIN_DECIMAL;
    private static final MethodHandle PLAIN_INTEGER;

    static {
        try {
            REFLECTIVE_READ = MethodHandles.lookup().findStatic(PayloadLayouts.class, "readReflectively",
                    MethodType.methodType(Object.class, AnnotatedMember.class, Object.class));
            TO_STRING = MethodHandles.lookup().findVirtual(Object.class, "toString", MethodType.methodType(String.class))
                    .asType(MethodType.methodType(String.class, Object.class));
            PLAIN_DECIMAL = MethodHandles.lookup().findStatic(PayloadLayouts.class, "plainDecimal",
                    MethodType.methodType(BigDecimal.class, Object.class));
            PLAIN_INTEGER = MethodHandles.lookup().findStatic(PayloadLayouts.class, "plainInteger",
                    MethodType.methodType(BigInteger.class, Object.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private PayloadLayouts() {
    }

    /** One class's layout: exactly one of {@code text}, {@code readers} or {@code problem} is set. */
    static final class Layout {
        /** Tag, class name and, for properties, their count: pre-encoded. */
        final byte[] header;
        final Function<Object, String> text;
        final byte[][] names;
        final String[] propertyNames;
        final MethodHandle[] readers;
        final String problem;

        private Layout(byte[] header, Function<Object, String> text, String[] propertyNames, MethodHandle[] readers,
                String problem) {
            this.header = header;
            this.text = text;
            this.propertyNames = propertyNames;
            this.readers = readers;
            this.problem = problem;
            if (propertyNames != null) {
                names = new byte[propertyNames.length][];
                for (int i = 0; i < propertyNames.length; i++) {
                    names[i] = CanonicalBytes.encodeString(propertyNames[i]);
                }
            } else {
                names = null;
            }
        }

        String property(int i) {
            return propertyNames[i];
        }

        boolean readable() {
            return problem == null;
        }
    }

    private static final ClassValue<Layout> LAYOUTS = new ClassValue<>() {
        @Override
        protected Layout computeValue(Class<?> type) {
            return compute(type);
        }
    };

    /** Each enum constant's bytes: tag, the enum's class name, the constant's name; by ordinal. */
    private static final ClassValue<byte[][]> CONSTANTS = new ClassValue<>() {
        @Override
        protected byte[][] computeValue(Class<?> type) {
            Object[] constants = type.getEnumConstants();
            byte[] typeName = CanonicalBytes.encodeString(type.getName());
            byte[][] out = new byte[constants.length][];
            for (int i = 0; i < constants.length; i++) {
                byte[] name = CanonicalBytes.encodeString(((Enum<?>) constants[i]).name());
                out[i] = concat(new byte[] {'E'}, typeName, name);
            }
            return out;
        }
    };

    static Layout of(Class<?> type) {
        return LAYOUTS.get(type);
    }

    static byte[] constant(Enum<?> e) {
        return CONSTANTS.get(e.getDeclaringClass())[e.ordinal()];
    }

    /**
     * Why a declared (static) payload type cannot be fingerprinted, or {@code null} if it can or if only its runtime
     * type can tell: interfaces, abstract classes and {@code Object} are checked on each call instead.
     */
    static String problemOfDeclaredType(Class<?> type) {
        while (type.isArray()) {
            type = type.getComponentType();
        }
        if (type.isPrimitive() || type == Object.class || type.isInterface() || Modifier.isAbstract(type.getModifiers())
                || writtenWithoutLayout(type)) {
            return null;
        }
        return of(type).problem;
    }

    /** The types {@link CanonicalBytes} writes by itself, without a layout; must match its order of checks. */
    private static boolean writtenWithoutLayout(Class<?> type) {
        return type == String.class || type == Integer.class || type == Long.class || type == Short.class
                || type == Byte.class || type == Boolean.class || type == Double.class || type == Float.class
                || type == Character.class || type == BigDecimal.class
                || type == BigInteger.class || Enum.class.isAssignableFrom(type) || type == UUID.class
                || TemporalAccessor.class.isAssignableFrom(type) || TemporalAmount.class.isAssignableFrom(type)
                || java.time.ZoneId.class.isAssignableFrom(type) || type == Optional.class
                || Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type) || type.isArray();
    }

    private static Layout compute(Class<?> type) {
        if (type.isRecord()) {
            return record(type);
        }
        Function<Object, String> text = text(type);
        if (text != null) {
            return new Layout(concat(new byte[] {'V'}, CanonicalBytes.encodeString(type.getName())), text, null, null,
                    null);
        }
        return bean(type);
    }

    /**
     * JDK value classes, written as their text (which is what identifies them). Only the JDK's own: an application's
     * {@code Number} or {@code CharSequence} (a money type, say) may print less than it holds, so it is a bean.
     */
    private static Function<Object, String> text(Class<?> type) {
        boolean jdk = isJdk(type);
        if ((jdk && (Number.class.isAssignableFrom(type) || CharSequence.class.isAssignableFrom(type)))
                || type == java.net.URI.class || type == java.net.URL.class || type == java.util.Currency.class
                || type == java.util.Locale.class || type == java.io.File.class
                || java.nio.file.Path.class.isAssignableFrom(type)
                || java.nio.charset.Charset.class.isAssignableFrom(type)
                || java.net.InetAddress.class.isAssignableFrom(type) || type == java.util.OptionalInt.class
                || type == java.util.OptionalLong.class || type == java.util.OptionalDouble.class) {
            return Object::toString;
        }
        if (type == Class.class) {
            return c -> ((Class<?>) c).getName();
        }
        if (jdk && type.getName().equals("java.sql.Timestamp")) {
            return SqlTimestamps::text; // by name: a runtime without the java.sql module never loads it
        }
        if (java.util.Date.class.isAssignableFrom(type)) {
            // Date, java.sql.Date and java.sql.Time hold milliseconds; their toString depends on the default zone (and
            // a bean's view of a Date, getHours() and all, would too)
            return d -> Long.toString(((java.util.Date) d).getTime());
        }
        if (type == java.util.regex.Pattern.class) {
            return p -> ((java.util.regex.Pattern) p).flags() + "/" + ((java.util.regex.Pattern) p).pattern();
        }
        return null;
    }

    private static final class SqlTimestamps {
        /** getTime() keeps milliseconds only; the nanoseconds are the rest of its state. */
        static String text(Object t) {
            return ((java.sql.Timestamp) t).getTime() + "+" + ((java.sql.Timestamp) t).getNanos() + "ns";
        }
    }

    /** Loaded by the bootstrap or platform loader: the JDK's own, whose text forms are known. */
    private static boolean isJdk(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        return loader == null || loader == ClassLoader.getPlatformClassLoader();
    }

    private static Layout record(Class<?> type) {
        RecordComponent[] components = type.getRecordComponents();
        String[] names = new String[components.length];
        MethodHandle[] readers = new MethodHandle[components.length];
        for (int i = 0; i < components.length; i++) {
            names[i] = components[i].getName();
            Method accessor = components[i].getAccessor();
            accessor.trySetAccessible();
            try {
                readers[i] = MethodHandles.lookup().unreflect(accessor).asType(READER);
            } catch (IllegalAccessException e) {
                return unreadable(type, "its component " + names[i] + " cannot be read from here (" + e.getMessage()
                        + ")");
            }
        }
        return properties('R', type, names, readers);
    }

    /**
     * The union of what Jackson writes out and what it reads in: a property that a request can set but that is never
     * written back (write-only, a creator parameter or setter without a getter, allowed setters of an ignored
     * property, a builder's) is still the request's state, so it is read from its getter or field; one that cannot be
     * read at all refuses the type, never drops out of the fingerprint. Properties hidden both ways stay out.
     */
    private static Layout bean(Class<?> type) {
        SerializationConfig out = Json.CANONICAL.getSerializationConfig();
        DeserializationConfig in = Json.CANONICAL.getDeserializationConfig();
        BeanDescription written;
        BeanDescription read;
        BeanDescription built;
        try {
            JavaType javaType = Json.CANONICAL.constructType(type);
            written = out.introspect(javaType);
            AnnotatedMember jsonValue = written.findJsonValueAccessor();
            if (jsonValue != null) {
                return properties('W', type, new String[] {"@JsonValue"}, new MethodHandle[] {reader(jsonValue)});
            }
            read = in.introspect(javaType);
            Class<?> builder = read.findPOJOBuilder();
            built = builder == null ? null : in.introspectForBuilder(Json.CANONICAL.constructType(builder), read);
        } catch (RuntimeException e) {
            return unreadable(type, "Jackson cannot introspect it: " + e.getMessage());
        }
        Set<String> ignoredOut = out.getDefaultPropertyIgnorals(type, written.getClassInfo())
                .findIgnoredForSerialization();
        Set<String> ignoredIn = in.getDefaultPropertyIgnorals(type, read.getClassInfo())
                .findIgnoredForDeserialization();
        Map<String, MethodHandle> readers = new TreeMap<>();
        for (BeanPropertyDefinition property : written.findProperties()) {
            if (property.couldSerialize() && property.getAccessor() != null
                    && !ignoredOut.contains(property.getName())) {
                readers.put(property.getName(), reader(property.getAccessor()));
            }
        }
        MethodHandle jdkPart = jdkValue(type);
        AnnotatedMember anyGetter = written.findAnyGetter();
        if (readers.isEmpty() && anyGetter == null && jdkPart == null) {
            // nothing goes out: not a bean whose input the rest of this can complete (a value class with fluent
            // accessors, or private fields only, stays refused even if Jackson could build it through a constructor)
            return unreadable(type, "it has no readable state: no public getter or is-getter, no public or"
                    + " @JsonProperty field, no record component, no @JsonValue");
        }
        List<BeanPropertyDefinition> input = new ArrayList<>(read.findProperties());
        if (built != null) {
            input.addAll(built.findProperties()); // their accessors are the builder's: only their names count here
        }
        for (BeanPropertyDefinition property : input) {
            String name = property.getName();
            if (!property.couldDeserialize() || ignoredIn.contains(name) || readers.containsKey(name)) {
                continue;
            }
            AnnotatedMember mutator = property.getMutator();
            if (jdkPart != null && mutator != null && isJdk(mutator.getDeclaringClass())) {
                continue; // BigDecimal.setScale(int) and the like: the JDK value, written whole below
            }
            AnnotatedMember own = property.getGetter() != null ? property.getGetter() : property.getField();
            if (own != null && own.getDeclaringClass().isAssignableFrom(type)) {
                readers.put(name, reader(own));
                continue;
            }
            Object field = backingField(type, property);
            if (field instanceof String problem) {
                return unreadable(type, problem);
            }
            readers.put(name, (MethodHandle) field);
        }
        String[] names = readers.keySet().toArray(new String[0]);
        MethodHandle[] handles = readers.values().toArray(new MethodHandle[0]);
        AnnotatedMember anySetter = read.findAnySetterAccessor();
        AnnotatedMember extra = anyGetter != null ? anyGetter : anySetter instanceof AnnotatedField ? anySetter : null;
        if (extra != null) {
            // the map of extra properties, after the named ones (a property's name cannot start a second list)
            names = Arrays.copyOf(names, names.length + 1);
            handles = Arrays.copyOf(handles, handles.length + 1);
            names[names.length - 1] = "@JsonAnyGetter";
            handles[handles.length - 1] = reader(extra);
        } else if (anySetter != null) {
            return unreadable(type, "its @JsonAnySetter " + anySetter.getName() + " takes properties in that nothing"
                    + " reads back; add a @JsonAnyGetter that returns them");
        }
        if (jdkPart != null) {
            // an application's subclass of a JDK value: that value (which Jackson's view of the class misses), then its
            // own state
            names = Arrays.copyOf(names, names.length + 1);
            handles = Arrays.copyOf(handles, handles.length + 1);
            names[names.length - 1] = "@" + jdkPart.type().returnType().getSimpleName();
            handles[handles.length - 1] = jdkPart.asType(READER);
        }
        return properties('P', type, names, handles);
    }

    /**
     * The JDK value inside an application's {@code CharSequence} (its characters, which its toString() returns by
     * contract), {@code BigDecimal} or {@code BigInteger} (as a plain one), or {@code null}.
     */
    private static MethodHandle jdkValue(Class<?> type) {
        if (CharSequence.class.isAssignableFrom(type)) {
            return TO_STRING;
        }
        if (BigDecimal.class.isAssignableFrom(type)) {
            return PLAIN_DECIMAL;
        }
        return BigInteger.class.isAssignableFrom(type) ? PLAIN_INTEGER : null;
    }

    @SuppressWarnings("unused") // through PLAIN_DECIMAL
    private static BigDecimal plainDecimal(Object d) {
        return new BigDecimal(((BigDecimal) d).unscaledValue(), ((BigDecimal) d).scale());
    }

    @SuppressWarnings("unused") // through PLAIN_INTEGER
    private static BigInteger plainInteger(Object i) {
        return new BigInteger(((BigInteger) i).toByteArray());
    }

    /**
     * A handle on the field behind a property that Jackson can set but has no getter for: the field of the property's
     * internal name (the setter's or creator parameter's), else of its JSON name, in the class or a superclass; or,
     * as a {@code String}, why there is none to read.
     */
    private static Object backingField(Class<?> type, BeanPropertyDefinition property) {
        String name = property.getName();
        for (String candidate : new String[] {property.getInternalName(), name}) {
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                java.lang.reflect.Field field;
                try {
                    field = c.getDeclaredField(candidate);
                } catch (NoSuchFieldException e) {
                    continue;
                }
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                if (!field.trySetAccessible()) {
                    return "its property '" + name + "' can be set from JSON but has no getter, and its field "
                            + c.getName() + "." + candidate + " cannot be read from here (open its package to"
                            + " this library, or add a public getter)";
                }
                try {
                    return MethodHandles.lookup().unreflectGetter(field).asType(READER);
                } catch (IllegalAccessException e) {
                    return "its property '" + name + "' can be set from JSON but has no getter, and its field "
                            + c.getName() + "." + candidate + " cannot be read (" + e.getMessage() + ")";
                }
            }
        }
        return "its property '" + name + "' can be set from JSON (" + how(property) + ") but not read back: no"
                + " getter and no field named '" + property.getInternalName() + "'; add a public getter for it, or"
                + " mark it @JsonIgnore if it is not part of the request";
    }

    private static String how(BeanPropertyDefinition property) {
        if (property.getConstructorParameter() != null) {
            return "a creator parameter";
        }
        if (property.getSetter() != null) {
            return "setter " + property.getSetter().getName();
        }
        return property.getField() != null ? "field " + property.getField().getName() : "a builder";
    }

    /** A method handle on the getter or field; Jackson's own (reflective) access if the JVM refuses a handle. */
    private static MethodHandle reader(AnnotatedMember member) {
        try {
            if (member instanceof AnnotatedMethod method) {
                Method m = method.getAnnotated();
                m.trySetAccessible();
                return MethodHandles.lookup().unreflect(m).asType(READER);
            }
            if (member instanceof AnnotatedField field) {
                java.lang.reflect.Field f = field.getAnnotated();
                f.trySetAccessible();
                return MethodHandles.lookup().unreflectGetter(f).asType(READER);
            }
        } catch (IllegalAccessException | RuntimeException e) {
            // fall through to Jackson's access
        }
        try {
            member.fixAccess(true);
        } catch (RuntimeException e) {
            // reading will report it
        }
        return REFLECTIVE_READ.bindTo(member);
    }

    @SuppressWarnings("unused") // through REFLECTIVE_READ
    private static Object readReflectively(AnnotatedMember member, Object target) {
        return member.getValue(target);
    }

    private static Layout properties(char tag, Class<?> type, String[] names, MethodHandle[] readers) {
        byte[] count = new byte[4];
        CanonicalBytes.putInt(count, 0, names.length);
        byte[] header = concat(new byte[] {(byte) tag}, CanonicalBytes.encodeString(type.getName()), count);
        return new Layout(header, null, names, readers, null);
    }

    private static Layout unreadable(Class<?> type, String why) {
        return new Layout(null, null, null, null, why);
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }
}
