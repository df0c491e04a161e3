package dev.idempotency.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.bridge.MethodNames;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.HashSet;
import java.util.Set;

/**
 * The application's {@code com.fasterxml.jackson.databind.annotation} annotations ({@code @JsonSerialize(using = …)},
 * {@code @JsonDeserialize}, {@code @JsonNaming}, …) name classes written for the application's Jackson, which the
 * agent's relocated copy cannot use; ignored, they would change what is stored and replayed without a word. So a
 * method whose result type (or a type reachable through its properties) carries one refuses to run, saying which.
 * Only where Jackson is relocated: on a plain class path the library's Jackson is the application's and honours them.
 */
final class ForeignDatabindAnnotations {

    /** Built at run time: a constant would be relocated along with the code. */
    private static final String FOREIGN_PACKAGE =
            String.join(".", "com", "fasterxml", "jackson", "databind", "annotation", "");
    static final boolean RELOCATED = !ObjectMapper.class.getName().startsWith(String.join(".", "com", "fasterxml", ""));

    private ForeignDatabindAnnotations() {
    }

    /** The refusal for this method, or {@code null} when its result type is free of such annotations. */
    static IdempotencyConfigurationException check(Method method) {
        if (!RELOCATED) {
            return null;
        }
        return check(method, method.getGenericReturnType(), new HashSet<>());
    }

    private static IdempotencyConfigurationException check(Method method, Type type, Set<Class<?>> seen) {
        if (type instanceof ParameterizedType p) {
            IdempotencyConfigurationException found = check(method, p.getRawType(), seen);
            for (Type argument : p.getActualTypeArguments()) {
                found = found != null ? found : check(method, argument, seen);
            }
            return found;
        }
        if (type instanceof GenericArrayType a) {
            return check(method, a.getGenericComponentType(), seen);
        }
        if (type instanceof WildcardType w) {
            Type[] upper = w.getUpperBounds();
            return upper.length == 0 ? null : check(method, upper[0], seen);
        }
        if (!(type instanceof Class<?> raw)) {
            return null;
        }
        while (raw.isArray()) {
            raw = raw.getComponentType();
        }
        if (raw.isPrimitive() || raw.getClassLoader() == null || !seen.add(raw)) {
            return null; // the JDK's types carry no Jackson annotations
        }
        for (Class<?> c = raw; c != null && c != Object.class && c.getClassLoader() != null; c = c.getSuperclass()) {
            IdempotencyConfigurationException found = annotated(method, raw, c, c);
            for (Field field : c.getDeclaredFields()) {
                if (found == null && !Modifier.isStatic(field.getModifiers())) {
                    found = annotated(method, raw, field, "field " + field.getName());
                    found = found != null ? found : check(method, field.getGenericType(), seen);
                }
            }
            for (Method m : c.getDeclaredMethods()) {
                if (found == null && !Modifier.isStatic(m.getModifiers()) && !m.isSynthetic()) {
                    found = annotated(method, raw, m, "method " + m.getName());
                    if (found == null && m.getParameterCount() == 0 && m.getReturnType() != void.class) {
                        found = check(method, m.getGenericReturnType(), seen);
                    }
                }
            }
            for (Constructor<?> constructor : c.getDeclaredConstructors()) {
                for (Annotation[] parameter : constructor.getParameterAnnotations()) {
                    for (Annotation annotation : parameter) {
                        if (found == null && isForeignDatabind(annotation)) {
                            found = refusal(method, raw, annotation, "a constructor parameter");
                        }
                    }
                }
            }
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static IdempotencyConfigurationException annotated(Method method, Class<?> type, AnnotatedElement element,
            Object where) {
        for (Annotation annotation : element.getDeclaredAnnotations()) {
            if (isForeignDatabind(annotation)) {
                return refusal(method, type, annotation,
                        where instanceof Class<?> c ? "class " + c.getName() : where.toString());
            }
        }
        return null;
    }

    private static boolean isForeignDatabind(Annotation annotation) {
        return annotation.annotationType().getName().startsWith(FOREIGN_PACKAGE);
    }

    private static IdempotencyConfigurationException refusal(Method method, Class<?> type, Annotation annotation,
            String where) {
        return new IdempotencyConfigurationException("@Idempotent on " + MethodNames.describe(method)
                + ": unsupported return type " + method.getGenericReturnType().getTypeName() + ": "
                + type.getName() + " carries @" + annotation.annotationType().getName() + " (on " + where
                + "), which names classes of the application's Jackson that the idempotency agent's own (relocated)"
                + " Jackson cannot use; results would be stored and replayed without it. Remove it from types that"
                + " @Idempotent methods return, or use the AspectJ route, where the application's Jackson is used",
                MethodNames.defaultNamespace(method), null);
    }
}
