package dev.idempotency.internal;

import dev.idempotency.bridge.MethodNames;
import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.support.FieldNames;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Compiles the expression grammar, a subset of SpEL:
 *
 * <pre>
 * expression := concat ( '?:' expression )?        (keys only; the left side must be one operand that can be null)
 * concat     := operand ( '+' operand )*
 * operand    := '#' parameter ( '.' property )*  |  '\'' text '\''      ('' inside text is one quote)
 *             | '#headers[' '\'' header name '\'' ']'  |  '#principal'   (the request bound to the thread)
 *             | '#contentHash(' value ( ',' value )* ')'                (keys only)
 *             | '(' expression ')'
 * value      := an operand other than '(' … ')' and #contentHash(…)
 * parameter  := a parameter name (compiled with -parameters) | p0, p1, … | a0, a1, …
 * property   := getter getX(), boolean getter isX(), record component x(), or public field x
 * </pre>
 *
 * {@code a ?: b} is {@code a} unless it is null or empty text (as in SpEL), else {@code b}; it binds looser than
 * {@code +} and groups to the right. {@code #contentHash(…)} is {@code IdempotencyKeys.contentHash} of its values;
 * a call needs its parenthesis, so {@code #contentHash} alone still names a parameter of that name. Everything else
 * fails here, naming the method, the expression and the offending part.
 */
final class ExpressionCompiler {

    private static final MethodType GETTER = MethodType.methodType(Object.class, Object.class);

    private final Method method;
    private final String attribute;
    private final String source;
    private int pos;

    private ExpressionCompiler(Method method, String attribute, String source) {
        this.method = method;
        this.attribute = attribute;
        this.source = source;
    }

    /**
     * @param attribute the annotation attribute, for messages: {@code key} or {@code fingerprint}
     */
    static Expression compile(Method method, String attribute, String source) {
        return new ExpressionCompiler(method, attribute, source).parse();
    }

    private Expression parse() {
        if (source == null || source.isBlank()) {
            throw error("the expression is empty; write e.g. \"#orderId\" or \"#req.requestId\"");
        }
        Expression expression = expression();
        if (pos < source.length()) {
            if (source.charAt(pos) == ')') {
                throw error("unexpected ')' at position " + pos + ": no '(' opens it");
            }
            throw error("expected '+'" + (isKey() ? ", '?:'" : "") + " or the end at position " + pos + ", found '"
                    + rest() + "' (" + supported() + ")");
        }
        return new Expression(source, expression.terms);
    }

    private boolean isKey() {
        return attribute.equals("key");
    }

    private String supported() {
        return isKey() ? "only #parameter paths, 'literals', +, ?:, ( ) and #contentHash(…) are supported"
                : "only #parameter paths, 'literals', + and ( ) are supported";
    }

    /** {@code concat ( '?:' expression )?}, leaving {@link #pos} after it and any space. */
    private Expression expression() {
        skipSpace();
        int start = pos;
        List<Expression.Term> terms = new ArrayList<>();
        operand(terms);
        skipSpace();
        while (pos < source.length() && source.charAt(pos) == '+') {
            pos++;
            skipSpace();
            operand(terms);
            skipSpace();
        }
        if (!source.startsWith("?:", pos)) {
            return new Expression(source.substring(start, pos).trim(), terms.toArray(new Expression.Term[0]));
        }
        int elvis = pos;
        if (!isKey()) {
            throw error("?: at position " + elvis + " chooses a key; a fingerprint names the payload itself"
                    + " (all of it is compared, nulls included)");
        }
        if (terms.size() > 1) {
            throw error("the left side of ?: at position " + elvis + " is a concatenation, which is never null (a null"
                    + " part is refused, not passed on): put the choice in parentheses, e.g. 'order:' + (#id ?: "
                    + "#contentHash(#req))");
        }
        Expression.Term left = terms.get(0);
        if (left.isLiteral() || left.parameter == Expression.CONTENT_HASH
                || left.parameter >= 0 && left.path.length == 0 && left.staticType.isPrimitive()) {
            throw error("the left side of ?: at position " + elvis + ", " + left.text + ", is never null or empty, so"
                    + " the right side would never be used");
        }
        pos += 2;
        skipSpace();
        if (pos >= source.length() || source.charAt(pos) == ')') {
            throw error("?: at position " + elvis + " has nothing on its right; write e.g."
                    + " #headers['Idempotency-Key'] ?: #contentHash(#req)");
        }
        Expression right = expression();
        String text = source.substring(start, pos).trim();
        return new Expression(text, new Expression.Term[] {Expression.Term.elvis(text, left, right)});
    }

    /** One operand, or the terms of a parenthesised expression: {@code (a + b) + c} is {@code a + b + c}. */
    private void operand(List<Expression.Term> terms) {
        if (pos >= source.length() || source.charAt(pos) != '(') {
            terms.add(term());
            return;
        }
        int open = pos;
        pos++;
        Expression inner = expression();
        if (pos >= source.length() || source.charAt(pos) != ')') {
            throw error("the '(' at position " + open + " is not closed with ')'"
                    + (pos < source.length() ? ": found '" + rest() + "' at position " + pos : ""));
        }
        pos++;
        for (Expression.Term term : inner.terms) {
            terms.add(term);
        }
    }

    private Expression.Term term() {
        int start = pos;
        if (pos >= source.length()) {
            throw error("expected a #parameter or a 'literal' at the end");
        }
        char c = source.charAt(pos);
        if (c == '\'') {
            return literal(start);
        }
        if (source.startsWith("?:", pos)) {
            throw error("?: at position " + pos + " has nothing on its left; write e.g."
                    + " #headers['Idempotency-Key'] ?: #contentHash(#req)");
        }
        if (c != '#') {
            throw error("expected a #parameter or a 'literal' at position " + pos + ", found '" + rest() + "'"
                    + " (" + supported() + ")");
        }
        pos++;
        String name = identifier("a parameter name after '#'");
        if (pos < source.length() && source.charAt(pos) == '(') {
            // a parameter cannot be called, so a call never means one: #contentHash( is the function even where a
            // parameter is named contentHash
            if (!name.equals("contentHash")) {
                throw error("#" + name + "(…) at position " + start + ": the only function is #contentHash(…);"
                        + " method calls are not supported");
            }
            return contentHash(start);
        }
        if ((name.equals("headers") || name.equals("principal")) && !hasParameterNamed(name)) {
            return requestTerm(name, start);
        }
        int index = parameterIndex(name);
        Parameter parameter = method.getParameters()[index];
        Class<?> type = parameter.getType();
        List<MethodHandle> path = new ArrayList<>();
        StringBuilder text = new StringBuilder("#").append(name);
        while (pos < source.length() && source.charAt(pos) == '.') {
            pos++;
            String property = identifier("a property name after '" + text + ".'");
            if (pos < source.length() && source.charAt(pos) == '(') {
                throw error(text + "." + property + "(…): method calls are not supported; name a property"
                        + " (a getter, is-getter, record component or public field)");
            }
            MethodHandle getter = property(type, property, text + "." + property, text.toString());
            path.add(getter.asType(GETTER));
            type = getter.type().returnType();
            text.append('.').append(property);
        }
        if (!atOperandEnd()) {
            throw error("unexpected '" + rest() + "' after " + text
                    + " (method calls, indexing and operators other than + are not supported)");
        }
        return new Expression.Term(text.toString(), null, index, path.toArray(new MethodHandle[0]), type);
    }

    /** After an operand: the end, space, or what may follow one (+, ?:, a closing parenthesis, a comma). */
    private boolean atOperandEnd() {
        if (pos >= source.length()) {
            return true;
        }
        char next = source.charAt(pos);
        return Character.isWhitespace(next) || next == '+' || next == ')' || next == ','
                || source.startsWith("?:", pos);
    }

    /** {@code #contentHash(…)}, {@link #pos} at its parenthesis. */
    private Expression.Term contentHash(int start) {
        if (!isKey()) {
            throw error("#contentHash(…) at position " + start + " makes a key; a fingerprint already hashes what it"
                    + " names: name the payload itself, e.g. fingerprint = \"#req\"");
        }
        pos++;
        List<Expression.Term> values = new ArrayList<>();
        while (true) {
            skipSpace();
            if (pos >= source.length()) {
                throw error("#contentHash( at position " + start + " is not closed with ')'");
            }
            char c = source.charAt(pos);
            if (c == ')' && values.isEmpty()) {
                throw error("#contentHash() at position " + start + " has nothing to hash; name the request, e.g."
                        + " #contentHash(#req)");
            }
            if (c == ',' || c == ')') {
                throw error("#contentHash(…) at position " + start + " has an empty argument at position " + pos);
            }
            if (c == '(') {
                throw error("#contentHash(…) at position " + start + ": parentheses at position " + pos
                        + " are not an argument; pass #parameter paths, headers or 'literals', separated by commas");
            }
            int at = pos;
            Expression.Term value = term();
            if (value.parameter == Expression.CONTENT_HASH) {
                throw error("#contentHash(…) at position " + at + " inside #contentHash(…): hash the values"
                        + " themselves, e.g. #contentHash(#a, #b)");
            }
            checkHashable(value);
            values.add(value);
            skipSpace();
            if (pos >= source.length()) {
                throw error("#contentHash( at position " + start + " is not closed with ')'");
            }
            c = source.charAt(pos);
            if (c == ')') {
                pos++;
                break;
            }
            if (c == '+') {
                throw error("#contentHash(…) at position " + start + ": '+' at position " + pos + " would join texts,"
                        + " so 'ab' + 'c' and 'a' + 'bc' would hash alike; pass the values as arguments of their"
                        + " own: #contentHash(#a, #b)");
            }
            if (c != ',') {
                throw error("expected ',' or ')' at position " + pos + " in #contentHash(…), found '" + rest() + "'");
            }
            pos++;
        }
        Expression.Term term = Expression.Term.contentHash(source.substring(start, pos),
                values.toArray(new Expression.Term[0]));
        if (!atOperandEnd()) {
            throw error("unexpected '" + rest() + "' after " + term.text
                    + " (the hash is text: no properties, calls or indexing)");
        }
        return term;
    }

    /** A value with no state to hash would hash like every other one: refused here, as fingerprints are. */
    private void checkHashable(Expression.Term value) {
        String problem = value.isLiteral() ? null : PayloadLayouts.problemOfDeclaredType(value.staticType);
        if (problem != null) {
            throw error("#contentHash(…): " + value.text + " is of type " + value.staticType.getName()
                    + ", which cannot be hashed (" + problem + "), so different values would hash alike; hash what"
                    + " identifies it, e.g. " + value.text + ".id");
        }
    }

    private boolean hasParameterNamed(String name) {
        for (Parameter parameter : method.getParameters()) {
            if (parameter.isNamePresent() && parameter.getName().equals(name)) {
                return true; // a parameter of that name comes first, as a local variable would
            }
        }
        return false;
    }

    /** {@code #headers['Name']} or {@code #principal}: read from the request bound to the thread at each call. */
    private Expression.Term requestTerm(String name, int start) {
        Expression.Term term;
        if (name.equals("principal")) {
            term = new Expression.Term("#principal", null, Expression.PRINCIPAL, new MethodHandle[0], String.class);
        } else {
            if (pos >= source.length() || source.charAt(pos) != '[') {
                throw error("#headers needs a header name, e.g. #headers['Idempotency-Key']");
            }
            pos++;
            if (pos >= source.length() || source.charAt(pos) != '\'') {
                throw error("#headers[…] takes the header's name in single quotes, e.g. #headers['Idempotency-Key']");
            }
            int nameStart = pos + 1;
            int nameEnd = source.indexOf('\'', nameStart);
            if (nameEnd < 0 || nameEnd + 1 >= source.length() || source.charAt(nameEnd + 1) != ']') {
                throw error("#headers[' at position " + start + " is not closed with ']");
            }
            String header = source.substring(nameStart, nameEnd);
            if (!FieldNames.isToken(header)) {
                throw error("'" + header + "' is not a header name (letters, digits and !#$%&'*+-.^_`|~)");
            }
            pos = nameEnd + 2;
            term = new Expression.Term(source.substring(start, pos), null, Expression.HEADER, new MethodHandle[0],
                    String.class, header);
        }
        if (!atOperandEnd()) {
            throw error("unexpected '" + rest() + "' after " + term.text
                    + " (a header or the principal is text: no properties, calls or indexing)");
        }
        return term;
    }

    private Expression.Term literal(int start) {
        pos++;
        StringBuilder value = new StringBuilder();
        while (true) {
            if (pos >= source.length()) {
                throw error("the literal starting at position " + start + " is not closed with '");
            }
            char c = source.charAt(pos++);
            if (c == '\'') {
                if (pos < source.length() && source.charAt(pos) == '\'') {
                    value.append('\'');
                    pos++;
                    continue;
                }
                break;
            }
            value.append(c);
        }
        return new Expression.Term(source.substring(start, pos), value.toString(), -1, null, String.class);
    }

    private String identifier(String what) {
        int start = pos;
        if (pos < source.length() && Character.isJavaIdentifierStart(source.charAt(pos))) {
            pos++;
            while (pos < source.length() && Character.isJavaIdentifierPart(source.charAt(pos))) {
                pos++;
            }
        }
        if (start == pos) {
            throw error("expected " + what + " at position " + start
                    + (start < source.length() ? ", found '" + rest() + "'" : ", found the end"));
        }
        return source.substring(start, pos);
    }

    private int parameterIndex(String name) {
        Parameter[] parameters = method.getParameters();
        for (int i = 0; i < parameters.length; i++) {
            if (parameters[i].isNamePresent() && parameters[i].getName().equals(name)) {
                return i;
            }
        }
        if (name.length() > 1 && (name.charAt(0) == 'p' || name.charAt(0) == 'a')) {
            String digits = name.substring(1);
            if (digits.chars().allMatch(Character::isDigit) && digits.length() < 4) {
                int index = Integer.parseInt(digits);
                if (index < parameters.length) {
                    return index;
                }
                throw error("#" + name + " refers to parameter " + index + ", but the method has "
                        + parameters.length + " parameter" + (parameters.length == 1 ? "" : "s"));
            }
        }
        boolean namesPresent = parameters.length == 0 || parameters[0].isNamePresent();
        StringBuilder known = new StringBuilder();
        for (int i = 0; i < parameters.length; i++) {
            known.append(i == 0 ? "" : ", ").append(namesPresent ? "#" + parameters[i].getName() + " or " : "")
                    .append("#p").append(i);
        }
        throw error("#" + name + " is not a parameter of the method (known: "
                + (parameters.length == 0 ? "none" : known) + ")"
                + (name.equals("contentHash") ? "; to hash values, call it: #contentHash(#req)" : "")
                + (namesPresent ? "" : "; parameter names are missing: compile with -parameters or use #p0, #p1, …"));
    }

    private MethodHandle property(Class<?> type, String name, String text, String owner) {
        if (type.isPrimitive() || type.isArray()) {
            throw error(owner + " is of type " + type.getSimpleName() + ", which has no property '" + name + "'");
        }
        String cap = name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1);
        try {
            if (type.isRecord()) {
                for (RecordComponent component : type.getRecordComponents()) {
                    if (component.getName().equals(name)) {
                        return unreflect(component.getAccessor(), text);
                    }
                }
            }
            Method getter = publicNoArg(type, "get" + cap);
            if (getter != null && getter.getReturnType() != void.class) {
                return unreflect(getter, text);
            }
            Method is = publicNoArg(type, "is" + cap);
            if (is != null && (is.getReturnType() == boolean.class || is.getReturnType() == Boolean.class)) {
                return unreflect(is, text);
            }
            Field field = publicField(type, name);
            if (field != null) {
                return unreflectGetter(field, text);
            }
        } catch (SecurityException e) {
            throw error("cannot read " + text + ": " + e.getMessage());
        }
        throw error(text + ": " + type.getName() + " has no property '" + name + "' (looked for get" + cap
                + "(), is" + cap + "(), " + (type.isRecord() ? "a record component, " : "") + "a public field " + name
                + ")");
    }

    private static Method publicNoArg(Class<?> type, String name) {
        try {
            Method m = type.getMethod(name);
            return Modifier.isStatic(m.getModifiers()) ? null : m;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static Field publicField(Class<?> type, String name) {
        try {
            Field f = type.getField(name);
            return Modifier.isStatic(f.getModifiers()) ? null : f;
        } catch (NoSuchFieldException e) {
            return null;
        }
    }

    private MethodHandle unreflect(Method m, String text) {
        try {
            makeAccessible(m);
            return MethodHandles.lookup().unreflect(m);
        } catch (IllegalAccessException | RuntimeException e) {
            throw error("cannot read " + text + " through " + m + ": " + e.getMessage());
        }
    }

    private MethodHandle unreflectGetter(Field f, String text) {
        try {
            makeAccessible(f);
            return MethodHandles.lookup().unreflectGetter(f);
        } catch (IllegalAccessException | RuntimeException e) {
            throw error("cannot read " + text + " through field " + f + ": " + e.getMessage());
        }
    }

    /** Public members of non-public classes (a package-private record, say) need this to be read from here. */
    private static void makeAccessible(AccessibleObject member) {
        member.trySetAccessible();
    }

    private String rest() {
        String rest = source.substring(pos);
        return rest.length() > 20 ? rest.substring(0, 20) + "…" : rest;
    }

    private void skipSpace() {
        while (pos < source.length() && Character.isWhitespace(source.charAt(pos))) {
            pos++;
        }
    }

    private IdempotencyConfigurationException error(String detail) {
        return new IdempotencyConfigurationException("@Idempotent(" + attribute + " = \"" + source + "\") on "
                + MethodNames.describe(method) + ": " + detail, MethodNames.defaultNamespace(method), null);
    }
}
