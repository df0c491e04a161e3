package dev.idempotency.core;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;

/**
 * A generic result type for the programmatic API, captured by subclassing: {@code new ResultType<List<Order>>() {}}.
 * Results are encoded and read back by this type, as the annotation routes use a method's declared return type.
 */
public abstract class ResultType<T> {

    private final Type type;

    protected ResultType() {
        Type superclass = getClass().getGenericSuperclass();
        if (!(superclass instanceof ParameterizedType parameterized)) {
            throw new IllegalArgumentException("write new ResultType<List<Order>>() {} with the type between the"
                    + " brackets; " + getClass().getName() + " does not say which type it stands for");
        }
        this.type = parameterized.getActualTypeArguments()[0];
    }

    private ResultType(Type type) {
        this.type = type;
    }

    /** The type itself, for a type known only at run time (a {@code Class} or a {@code ParameterizedType}). */
    public static ResultType<Object> of(Type type) {
        if (type == null) {
            throw new IllegalArgumentException("the result type must not be null");
        }
        return new ResultType<>(type) {
        };
    }

    public final Type type() {
        return type;
    }

    @Override
    public String toString() {
        return "ResultType<" + type.getTypeName() + ">";
    }
}
