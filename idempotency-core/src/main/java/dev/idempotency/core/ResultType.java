package dev.idempotency.core;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;

/**
 * A generic result type for the programmatic API, captured by subclassing: {@code new ResultType<List<Order>>() {}}.
 * Results are encoded and read back by this type, as the annotation routes use a method's declared return type.
 *
 * <pre>{@code
 * List<Order> orders = runtime.call("orders.import", batchId, new ResultType<List<Order>>() {})
 *         .run(() -> importer.importBatch(batchId));
 * }</pre>
 *
 * @param <T> the type captured
 */
public abstract class ResultType<T> {

    private final Type type;

    /**
     * Captures the type argument of the anonymous subclass being made.
     *
     * @throws IllegalArgumentException if the subclass does not give a type argument (a raw {@code ResultType})
     */
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

    /**
     * The type itself, for a type known only at run time (a {@code Class} or a {@code ParameterizedType}).
     *
     * @param type the result type
     * @return a result type standing for {@code type}
     * @throws IllegalArgumentException if {@code type} is {@code null}
     */
    public static ResultType<Object> of(Type type) {
        if (type == null) {
            throw new IllegalArgumentException("the result type must not be null");
        }
        return new ResultType<>(type) {
        };
    }

    /**
     * The captured type.
     *
     * @return the type, e.g. the {@code ParameterizedType} {@code List<Order>}
     */
    public final Type type() {
        return type;
    }

    @Override
    public String toString() {
        return "ResultType<" + type.getTypeName() + ">";
    }
}
