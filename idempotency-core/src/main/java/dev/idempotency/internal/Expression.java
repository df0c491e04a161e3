package dev.idempotency.internal;

import java.lang.invoke.MethodHandle;

/**
 * A compiled key or payload expression: literals and parameter property paths joined by {@code +}. Evaluating it
 * reads arguments through method handles made at compile time: no parsing, no reflection per call.
 */
final class Expression {

    /** {@link Term#parameter} of {@code #headers['Name']}: a header of the request bound to the thread. */
    static final int HEADER = -2;
    /** {@link Term#parameter} of {@code #principal}: the authenticated caller of the bound request. */
    static final int PRINCIPAL = -3;

    /** One operand: a literal, a parameter followed by zero or more property reads, or a part of the request. */
    static final class Term {
        final String text;
        final String literal;
        /** The parameter's index; -1 for a literal, {@link #HEADER} or {@link #PRINCIPAL}. */
        final int parameter;
        final MethodHandle[] path;
        final Class<?> staticType;
        /** The header's name, for {@link #HEADER}. */
        final String header;

        Term(String text, String literal, int parameter, MethodHandle[] path, Class<?> staticType) {
            this(text, literal, parameter, path, staticType, null);
        }

        Term(String text, String literal, int parameter, MethodHandle[] path, Class<?> staticType, String header) {
            this.text = text;
            this.literal = literal;
            this.parameter = parameter;
            this.path = path;
            this.staticType = staticType;
            this.header = header;
        }

        boolean isLiteral() {
            return literal != null;
        }

        /** The operand's value; {@code null} if the parameter or any property along the path is null. */
        Object value(Object[] args) throws Throwable {
            if (literal != null) {
                return literal;
            }
            if (parameter < 0) {
                return parameter == HEADER ? dev.idempotency.core.CurrentRequest.header(header)
                        : dev.idempotency.core.CurrentRequest.principal();
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
