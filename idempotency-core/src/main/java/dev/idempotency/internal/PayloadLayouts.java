package dev.idempotency.internal;

import com.fasterxml.jackson.databind.BeanDescription;
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
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * How {@link CanonicalBytes} writes an object that is not a string, number, collection or other built-in: worked out
 * once per class (a {@link ClassValue}), so a call reads properties through method handles and never introspects.
 *
 * <ul>
 *   <li>a record: its components;</li>
 *   <li>a JDK value class (another {@code Number}, a {@code CharSequence}, {@code URI}, {@code Locale}, …): its
 *       text;</li>
 *   <li>any other class: the properties Jackson's bean introspection finds for serialization (public getters and
 *       is-getters, public fields, {@code @JsonProperty} members; {@code @JsonIgnore} and
 *       {@code @JsonIgnoreProperties} respected), sorted by name, or its {@code @JsonValue};</li>
 *   <li>a class with none of these is unreadable: it has no state a fingerprint could compare.</li>
 * </ul>
 *
 * Each layout's header names the runtime class, so two types with the same properties never agree.
 */
final class PayloadLayouts {

    private static final MethodType READER = MethodType.methodType(Object.class, Object.class);
    private static final MethodHandle REFLECTIVE_READ;

    static {
        try {
            REFLECTIVE_READ = MethodHandles.lookup().findStatic(PayloadLayouts.class, "readReflectively",
                    MethodType.methodType(Object.class, AnnotatedMember.class, Object.class));
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
                || type == Character.class || BigDecimal.class.isAssignableFrom(type)
                || BigInteger.class.isAssignableFrom(type) || Enum.class.isAssignableFrom(type) || type == UUID.class
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

    /** JDK value classes, written as their text (which is what identifies them). */
    private static Function<Object, String> text(Class<?> type) {
        if (Number.class.isAssignableFrom(type) || CharSequence.class.isAssignableFrom(type)
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
        if (java.util.Date.class.isAssignableFrom(type)) {
            return d -> Long.toString(((java.util.Date) d).getTime()); // its toString depends on the default zone
        }
        if (type == java.util.regex.Pattern.class) {
            return p -> ((java.util.regex.Pattern) p).flags() + "/" + ((java.util.regex.Pattern) p).pattern();
        }
        return null;
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

    private static Layout bean(Class<?> type) {
        SerializationConfig config = Json.CANONICAL.getSerializationConfig();
        BeanDescription description;
        List<BeanPropertyDefinition> found;
        try {
            JavaType javaType = Json.CANONICAL.constructType(type);
            description = config.introspect(javaType);
            AnnotatedMember jsonValue = description.findJsonValueAccessor();
            if (jsonValue != null) {
                return properties('W', type, new String[] {"@JsonValue"}, new MethodHandle[] {reader(jsonValue)});
            }
            found = description.findProperties();
        } catch (RuntimeException e) {
            return unreadable(type, "Jackson cannot introspect it: " + e.getMessage());
        }
        Set<String> ignored = config.getDefaultPropertyIgnorals(type, description.getClassInfo())
                .findIgnoredForSerialization();
        List<BeanPropertyDefinition> readable = new ArrayList<>();
        for (BeanPropertyDefinition property : found) {
            if (property.couldSerialize() && property.getAccessor() != null && !ignored.contains(property.getName())) {
                readable.add(property);
            }
        }
        if (readable.isEmpty()) {
            return unreadable(type, "it has no readable state: no public getter or is-getter, no public or"
                    + " @JsonProperty field, no record component, no @JsonValue");
        }
        readable.sort(Comparator.comparing(BeanPropertyDefinition::getName));
        String[] names = new String[readable.size()];
        MethodHandle[] readers = new MethodHandle[readable.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = readable.get(i).getName();
            readers[i] = reader(readable.get(i).getAccessor());
        }
        return properties('P', type, names, readers);
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
