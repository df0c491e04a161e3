package dev.idempotency.internal;

import java.lang.invoke.MethodHandle;

/**
 * A compiled key or payload expression: literals and parameter property paths joined by {@code +}. Evaluating it
 * reads arguments through method handles made at compile time: no parsing, no reflection per call.
 */
final class Expression {

    /** One operand: a literal, or a parameter followed by zero or more property reads. */
    static final class Term {
        final String text;
        final String literal;
        final int parameter;
        final MethodHandle[] path;
        final Class<?> staticType;

        Term(String text, String literal, int parameter, MethodHandle[] path, Class<?> staticType) {
            this.text = text;
            this.literal = literal;
            this.parameter = parameter;
            this.path = path;
            this.staticType = staticType;
        }

        boolean isLiteral() {
            return literal != null;
        }

        /** The operand's value; {@code null} if the parameter or any property along the path is null. */
        Object value(Object[] args) throws Throwable {
            if (literal != null) {
                return literal;
            }
            Object value = args[parameter];
            for (MethodHandle step : path) {
                if (value == null) {
                    return null;
                }
                value = (Object) step.invokeExact(value);
            }
            return value;
        }
    }

    final String source;
    final Term[] terms;

    Expression(String source, Term[] terms) {
        this.source = source;
        this.terms = terms;
    }

    boolean isSingleTerm() {
        return terms.length == 1;
    }
}
