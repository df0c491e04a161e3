package dev.idempotency.internal;

import java.lang.invoke.MethodHandle;

/**
 * A compiled key or payload expression: operands joined by {@code +}. An operand is a literal, a parameter property
 * path, a part of the request, {@code #contentHash(…)} or a choice {@code a ?: b}. Evaluating it reads arguments
 * through method handles made at compile time: no parsing, no reflection per call.
 */
final class Expression {

    /** {@link Term#parameter} of {@code #headers['Name']}: a header of the request bound to the thread. */
    static final int HEADER = -2;
    /** {@link Term#parameter} of {@code #principal}: the authenticated caller of the bound request. */
    static final int PRINCIPAL = -3;
    /** {@link Term#parameter} of {@code #contentHash(…)}: {@code IdempotencyKeys.contentHash} of its operands. */
    static final int CONTENT_HASH = -4;
    /** {@link Term#parameter} of {@code a ?: b}: the first operand's value unless null or empty, else the other's. */
    static final int ELVIS = -5;

    private static final Term[] NO_TERMS = new Term[0];

    /** One operand: a literal, a parameter followed by zero or more property reads, a part of the request, … */
    static final class Term {
        final String text;
        final String literal;
        /** The parameter's index; -1 for a literal, else {@link #HEADER}, {@link #PRINCIPAL}, {@link #CONTENT_HASH}, … */
        final int parameter;
        final MethodHandle[] path;
        final Class<?> staticType;
        /** The header's name, for {@link #HEADER}. */
        final String header;
        /** The values hashed by {@link #CONTENT_HASH}; the left side of {@link #ELVIS}. */
        final Term[] operands;
        /** The right side of {@link #ELVIS}. */
        final Expression otherwise;

        Term(String text, String literal, int parameter, MethodHandle[] path, Class<?> staticType) {
            this(text, literal, parameter, path, staticType, null);
        }

        Term(String text, String literal, int parameter, MethodHandle[] path, Class<?> staticType, String header) {
            this(text, literal, parameter, path, staticType, header, NO_TERMS, null);
        }

        private Term(String text, String literal, int parameter, MethodHandle[] path, Class<?> staticType,
                     String header, Term[] operands, Expression otherwise) {
            this.text = text;
            this.literal = literal;
            this.parameter = parameter;
            this.path = path;
            this.staticType = staticType;
            this.header = header;
            this.operands = operands;
            this.otherwise = otherwise;
        }

        static Term contentHash(String text, Term[] values) {
            return new Term(text, null, CONTENT_HASH, new MethodHandle[0], String.class, null, values, null);
        }

        /** Its static type says little (either side's value); checks look at each side's terms. */
        static Term elvis(String text, Term left, Expression right) {
            return new Term(text, null, ELVIS, new MethodHandle[0], Object.class, null, new Term[] {left}, right);
        }

        boolean isLiteral() {
            return literal != null;
        }

        /** Whether the value can depend on the request bound to the thread (which may be missing). */
        boolean readsRequest() {
            if (parameter == HEADER || parameter == PRINCIPAL) {
                return true;
            }
            for (Term operand : operands) {
                if (operand.readsRequest()) {
                    return true;
                }
            }
            if (otherwise != null) {
                for (Term term : otherwise.terms) {
                    if (term.readsRequest()) {
                        return true;
                    }
                }
            }
            return false;
        }

        /**
         * The operand's value; {@code null} if the parameter or any property along the path is null.
         *
         * @throws NullPart if the right side of a {@code ?:} is a concatenation with a null part
         * @throws UnreadablePayloadException if {@code #contentHash(…)} meets a value with no state to hash
         */
        Object value(Object[] args) throws Throwable {
            if (literal != null) {
                return literal;
            }
            if (parameter >= 0) {
                Object value = args[parameter];
                for (MethodHandle step : path) {
                    if (value == null) {
                        return null;
                    }
                    value = (Object) step.invokeExact(value);
                }
                return value;
            }
            switch (parameter) {
                case HEADER:
                    return dev.idempotency.core.CurrentRequest.header(header);
                case PRINCIPAL:
                    return dev.idempotency.core.CurrentRequest.principal();
                case CONTENT_HASH:
                    Object[] values = new Object[operands.length];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = operands[i].value(args);
                    }
                    return Fingerprints.hash(values);
                default: // ELVIS
                    Object value = operands[0].value(args);
                    // as in SpEL, an empty text counts as missing: an empty Idempotency-Key header is no key
                    return value == null || value instanceof CharSequence && ((CharSequence) value).length() == 0
                            ? otherwise.value(args) : value;
            }
        }
    }

    /** A part of a concatenation that evaluated to null, for the message that names it. */
    static final class NullPart extends RuntimeException {
        private static final long serialVersionUID = 1L;

        final transient Term term;

        NullPart(Term term) {
            super(term.text, null, false, false);
            this.term = term;
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

    /**
     * The value: a single term's own value (possibly null), or the texts of several joined.
     *
     * @throws NullPart if one of several terms is null: {@code 'order:' + null} is no key
     */
    Object value(Object[] args) throws Throwable {
        if (terms.length == 1) {
            return terms[0].value(args);
        }
        StringBuilder sb = new StringBuilder(64);
        for (Term term : terms) {
            Object value = term.value(args);
            if (value == null) {
                throw new NullPart(term);
            }
            sb.append(value);
        }
        return sb.toString();
    }
}
