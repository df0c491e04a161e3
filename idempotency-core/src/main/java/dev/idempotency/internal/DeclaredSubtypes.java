package dev.idempotency.internal;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator;

/**
 * The only way a stored record may name a class: where the application itself asked for polymorphic typing
 * ({@code @JsonTypeInfo(use = CLASS)} on one of its types), a class name in the data is accepted only if it is a
 * subtype of that declared base type, checked with the class loaded but not initialised. Base types that say nothing
 * ({@code Object}, {@code Serializable}, any JDK type) accept no class names at all.
 *
 * <p>Jackson's own default for annotation-driven typing accepts any class; this replaces it in both mappers.
 */
final class DeclaredSubtypes extends PolymorphicTypeValidator.Base {

    private static final long serialVersionUID = 1L;

    static final DeclaredSubtypes INSTANCE = new DeclaredSubtypes();

    private DeclaredSubtypes() {
    }

    @Override
    public Validity validateBaseType(MapperConfig<?> config, JavaType baseType) {
        return tooBroad(baseType.getRawClass()) ? Validity.DENIED : Validity.INDETERMINATE;
    }

    @Override
    public Validity validateSubClassName(MapperConfig<?> config, JavaType baseType, String subClassName) {
        Class<?> base = baseType.getRawClass();
        if (tooBroad(base) || subClassName.isEmpty() || subClassName.startsWith("[")) {
            return Validity.DENIED;
        }
        Class<?> named;
        try {
            ClassLoader loader = base.getClassLoader();
            named = Class.forName(subClassName, false, loader != null ? loader : ClassLoader.getSystemClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return Validity.DENIED;
        }
        return base.isAssignableFrom(named) && !named.isInterface() ? Validity.ALLOWED : Validity.DENIED;
    }

    @Override
    public Validity validateSubType(MapperConfig<?> config, JavaType baseType, JavaType subType) {
        return baseType.getRawClass().isAssignableFrom(subType.getRawClass()) && !tooBroad(baseType.getRawClass())
                ? Validity.ALLOWED : Validity.DENIED;
    }

    private static boolean tooBroad(Class<?> base) {
        String name = base.getName();
        return base == Object.class || name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")
                || name.startsWith("sun.");
    }
}
