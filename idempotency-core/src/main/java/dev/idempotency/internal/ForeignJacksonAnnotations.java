package dev.idempotency.internal;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.AnnotatedClass;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import java.lang.annotation.Annotation;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * The application's Jackson annotations, where this library's Jackson is a relocated copy (the javaagent's jar): its
 * {@code @JsonIgnore}, {@code @JsonProperty}, {@code @JsonCreator}, {@code @JsonFormat}, {@code @JsonTypeInfo}… are
 * of {@code com.fasterxml.jackson.annotation}, which the relocated introspector does not look for. Where the relocated
 * type is absent from an element, the un-relocated annotation of the same name is looked up among the element's
 * annotations (as Jackson collected them, mix-ins and overridden methods included) and presented as the relocated type
 * through a proxy that maps each attribute by name: enums by name, classes of the annotation package to their
 * relocated twins, nested annotations and arrays recursively, and an attribute the application's version lacks by
 * its default.
 *
 * <p>On a plain class path both names are the same and this introspector behaves exactly as Jackson's own.
 * Polymorphic typing the application declares ({@code @JsonTypeInfo}) is checked by {@link DeclaredSubtypes} like
 * any other.
 */
final class ForeignJacksonAnnotations extends JacksonAnnotationIntrospector {

    private static final long serialVersionUID = 1L;

    /** This Jackson's annotation package, e.g. {@code dev.idempotency.shaded.jackson.annotation.}. */
    static final String OWN_PACKAGE = JsonIgnore.class.getPackageName() + ".";
    /** Built at run time: a constant would be relocated along with the code. */
    static final String FOREIGN_PACKAGE = String.join(".", "com", "fasterxml", "jackson", "annotation", "");
    /** Whether the annotations Jackson looks for are relocated, so that the application's need translating. */
    static final boolean RELOCATED = !OWN_PACKAGE.equals(FOREIGN_PACKAGE);

    @Override
    protected <A extends Annotation> A _findAnnotation(Annotated annotated, Class<A> type) {
        A own = super._findAnnotation(annotated, type);
        if (own != null || !RELOCATED) {
            return own;
        }
        Annotation foreign = foreign(annotated, type);
        return foreign == null ? null : type.cast(present(foreign, type));
    }

    @Override
    protected boolean _hasAnnotation(Annotated annotated, Class<? extends Annotation> type) {
        return super._hasAnnotation(annotated, type) || RELOCATED && foreign(annotated, type) != null;
    }

    @Override
    protected boolean _hasOneOf(Annotated annotated, Class<? extends Annotation>[] types) {
        if (super._hasOneOf(annotated, types)) {
            return true;
        }
        if (RELOCATED) {
            for (Class<? extends Annotation> type : types) {
                if (foreign(annotated, type) != null) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The application's annotation that corresponds to {@code own} on this element, or {@code null}. */
    private static Annotation foreign(Annotated annotated, Class<?> own) {
        String name = foreignName(own);
        if (name == null) {
            return null;
        }
        if (annotated instanceof AnnotatedMember member) {
            for (Annotation annotation : member.annotations()) {
                if (annotation.annotationType().getName().equals(name)) {
                    return annotation;
                }
            }
        } else if (annotated instanceof AnnotatedClass type) {
            // Jackson's class annotations cannot always be listed; they are the class's and its supertypes', nearest first
            return onClass(type.getRawType(), name, new java.util.HashSet<>());
        }
        return null;
    }

    private static Annotation onClass(Class<?> type, String name, java.util.Set<Class<?>> seen) {
        if (type == null || type == Object.class || !seen.add(type)) {
            return null;
        }
        for (Annotation annotation : type.getDeclaredAnnotations()) {
            if (annotation.annotationType().getName().equals(name)) {
                return annotation;
            }
        }
        Annotation found = onClass(type.getSuperclass(), name, seen);
        for (Class<?> implemented : type.getInterfaces()) {
            found = found != null ? found : onClass(implemented, name, seen);
        }
        return found;
    }

    /** {@code com.fasterxml.jackson.annotation.X} for this Jackson's {@code X}, or {@code null} for other types. */
    private static String foreignName(Class<?> own) {
        String name = own.getName();
        return name.startsWith(OWN_PACKAGE) ? FOREIGN_PACKAGE + name.substring(OWN_PACKAGE.length()) : null;
    }

    /** The foreign annotation as an instance of this Jackson's annotation type. */
    static Annotation present(Annotation foreign, Class<? extends Annotation> own) {
        InvocationHandler handler = (proxy, method, args) -> switch (method.getName()) {
            case "annotationType" -> own;
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            case "toString" -> "@" + own.getName() + " from " + foreign;
            default -> attribute(foreign, method);
        };
        return (Annotation) Proxy.newProxyInstance(own.getClassLoader(), new Class<?>[] {own}, handler);
    }

    private static Object attribute(Annotation foreign, Method own) throws ReflectiveOperationException {
        Method theirs;
        try {
            theirs = foreign.annotationType().getMethod(own.getName());
        } catch (NoSuchMethodException olderVersion) {
            return own.getDefaultValue();
        }
        theirs.setAccessible(true);
        Object value = convert(theirs.invoke(foreign), own.getReturnType());
        return value != null ? value : own.getDefaultValue();
    }

    /** A foreign attribute value as the type this Jackson's attribute declares; {@code null} if it has no match. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object convert(Object value, Class<?> type) {
        if (value == null) {
            return null;
        }
        if (type.isArray()) {
            Class<?> component = type.getComponentType();
            int length = Array.getLength(value);
            Object array = Array.newInstance(component, length);
            for (int i = 0; i < length; i++) {
                Object element = convert(Array.get(value, i), component);
                if (element == null) {
                    return null;
                }
                Array.set(array, i, element);
            }
            return array;
        }
        if (type.isEnum() && value instanceof Enum<?> e) {
            try {
                return Enum.valueOf((Class<? extends Enum>) type, e.name());
            } catch (IllegalArgumentException unknownConstant) {
                return null;
            }
        }
        if (type.isAnnotation() && value instanceof Annotation a) {
            return present(a, (Class<? extends Annotation>) type);
        }
        if (type == Class.class && value instanceof Class<?> c) {
            return own(c);
        }
        return value;
    }

    /** A class named in an attribute: one of the annotation package's own (a marker such as None) maps to ours. */
    private static Class<?> own(Class<?> type) {
        String name = type.getName();
        if (!name.startsWith(FOREIGN_PACKAGE)) {
            return type;
        }
        try {
            return Class.forName(OWN_PACKAGE + name.substring(FOREIGN_PACKAGE.length()), false,
                    ForeignJacksonAnnotations.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return null;
        }
    }
}
