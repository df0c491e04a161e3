package dev.idempotency.bridge;

import java.lang.reflect.Method;

/** How methods are named in namespaces and messages. */
public final class MethodNames {
    private MethodNames() {
    }

    /** {@code TransferService.transfer(String, TransferRequest)}: what messages say. */
    public static String describe(Method method) {
        StringBuilder sb = new StringBuilder(simpleName(method.getDeclaringClass())).append('.')
                .append(method.getName()).append('(');
        Class<?>[] types = method.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(simpleName(types[i]));
        }
        return sb.append(')').toString();
    }

    /**
     * {@code com.acme.TransferService.transfer(java.lang.String,com.acme.TransferRequest)}: the namespace when the
     * annotation names none. The parameter types keep overloads apart: two methods never share records by accident.
     */
    public static String defaultNamespace(Method method) {
        StringBuilder sb = new StringBuilder(method.getDeclaringClass().getName()).append('.')
                .append(method.getName()).append('(');
        Class<?>[] types = method.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            sb.append(i == 0 ? "" : ",").append(types[i].getTypeName());
        }
        return sb.append(')').toString();
    }

    private static String simpleName(Class<?> type) {
        if (type.isArray()) {
            return simpleName(type.getComponentType()) + "[]";
        }
        Class<?> enclosing = type.getEnclosingClass();
        return enclosing == null ? type.getSimpleName() : simpleName(enclosing) + "." + type.getSimpleName();
    }
}
