package dev.idempotency.internal;

import com.fasterxml.jackson.databind.JavaType;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Which declared result types nobody can change once returned, so an in-process store may hand the same instance to
 * every replay: the JDK's immutable value types, enums, {@code Optional} of those, and records made only of them.
 */
final class Immutables {

    private static final Set<Class<?>> VALUE_TYPES = Set.of(String.class, Boolean.class, Character.class, Byte.class,
            Short.class, Integer.class, Long.class, Float.class, Double.class, BigDecimal.class, BigInteger.class,
            UUID.class, java.time.Instant.class, java.time.LocalDate.class, java.time.LocalTime.class,
            java.time.LocalDateTime.class, java.time.OffsetDateTime.class, java.time.OffsetTime.class,
            java.time.ZonedDateTime.class, java.time.Duration.class, java.time.Period.class, java.time.Year.class,
            java.time.YearMonth.class, java.time.MonthDay.class, java.time.DayOfWeek.class, java.time.Month.class,
            java.time.ZoneOffset.class);

    private Immutables() {
    }

    /** The class a result must have exactly to be shared, or {@code null} when the declared type is not immutable. */
    static Class<?> exactClass(JavaType type) {
        if (type.getRawClass() == Optional.class) {
            return type.getContentType() != null && immutable(type.getContentType().getRawClass(), new HashSet<>())
                    && type.getContentType().getRawClass() != Optional.class ? Optional.class : null;
        }
        return exactClass(type.getRawClass());
    }

    /** As above, for a declared class that is not generic. */
    static Class<?> exactClass(Class<?> type) {
        if (type.isPrimitive()) {
            return boxed(type);
        }
        return immutable(type, new HashSet<>()) ? type : null;
    }

    /**
     * A primitive, a JDK value type or an enum: a declared result type that Jackson reads back whatever it holds, so
     * its codec need not ask Jackson before a result must be encoded.
     */
    static boolean isPlainValue(Class<?> type) {
        return type.isPrimitive() || VALUE_TYPES.contains(type) || type.isEnum();
    }

    private static boolean immutable(Class<?> type, Set<Class<?>> seen) {
        if (type.isPrimitive() || VALUE_TYPES.contains(type) || type.isEnum()) {
            return true;
        }
        if (!type.isRecord() || !seen.add(type)) {
            return false;
        }
        for (RecordComponent component : type.getRecordComponents()) {
            Class<?> t = component.getType();
            // a component's value may be a subclass of its declared type: only final types are safe to trust
            boolean finalType = t.isPrimitive() || t.isEnum() || java.lang.reflect.Modifier.isFinal(t.getModifiers())
                    || t == BigDecimal.class || t == BigInteger.class;
            if (!finalType || !immutable(t, seen)) {
                return false;
            }
        }
        return true;
    }

    private static Class<?> boxed(Class<?> primitive) {
        if (primitive == int.class) {
            return Integer.class;
        } else if (primitive == long.class) {
            return Long.class;
        } else if (primitive == boolean.class) {
            return Boolean.class;
        } else if (primitive == double.class) {
            return Double.class;
        } else if (primitive == float.class) {
            return Float.class;
        } else if (primitive == short.class) {
            return Short.class;
        } else if (primitive == byte.class) {
            return Byte.class;
        }
        return Character.class;
    }
}
