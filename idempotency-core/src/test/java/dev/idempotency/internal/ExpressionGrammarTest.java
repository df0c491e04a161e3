package dev.idempotency.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.IdempotencyKeyException;
import dev.idempotency.Idempotent;
import java.lang.reflect.Method;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** The key expression grammar, good and bad, compiled the way every route compiles it. */
class ExpressionGrammarTest {

    public record Request(String requestId, long userId, Nested nested, boolean vip) {
    }

    public record Nested(String code, Deeper deeper) {
    }

    public record Deeper(int level) {
    }

    public static class Bean {
        public String field = "f";
        public final boolean flag;
        private final Nested nested;

        public Bean(boolean flag, Nested nested) {
            this.flag = flag;
            this.nested = nested;
        }

        public boolean isActive() {
            return flag;
        }

        public Nested getNested() {
            return nested;
        }

        public String getName() {
            return "bean";
        }
    }

    /** A non-public record: its accessors are public members of a package-private class. */
    record Hidden(String id) {
    }

    @SuppressWarnings("unused")
    static class Target {
        void m(String id, Request req, Bean bean, int count, UUID uuid, Hidden hidden) {
        }
    }

    private static final Method M = method();
    private static final Request REQ = new Request("r-1", 42, new Nested("N", new Deeper(3)), true);
    private static final Bean BEAN = new Bean(true, new Nested("B", new Deeper(7)));
    private static final UUID UUID_ARG = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
    private static final Object[] ARGS = {"id-1", REQ, BEAN, 5, UUID_ARG, new Hidden("h")};

    private static Method method() {
        try {
            return Target.class.getDeclaredMethod("m", String.class, Request.class, Bean.class, int.class, UUID.class,
                    Hidden.class);
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    private static String key(String expression) {
        Expression compiled = ExpressionCompiler.compile(M, "key", expression);
        StringBuilder sb = new StringBuilder();
        for (Expression.Term term : compiled.terms) {
            try {
                sb.append(term.value(ARGS));
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
        }
        return sb.toString();
    }

    static Stream<Arguments> good() {
        return Stream.of(
                arguments("#id", "id-1"),
                arguments("#p0", "id-1"),
                arguments("#a0", "id-1"),
                arguments("#req.requestId", "r-1"),
                arguments("#p1.userId", "42"),
                arguments("#req.nested.code", "N"),
                arguments("#req.nested.deeper.level", "3"),
                arguments("#req.vip", "true"),
                arguments("#bean.active", "true"),
                arguments("#bean.name", "bean"),
                arguments("#bean.field", "f"),
                arguments("#bean.nested.deeper.level", "7"),
                arguments("#count", "5"),
                arguments("#uuid", "123e4567-e89b-12d3-a456-426614174000"),
                arguments("#hidden.id", "h"),
                arguments("'transfer:' + #req.userId + ':' + #req.requestId", "transfer:42:r-1"),
                arguments("'a'+'b'+#id", "abid-1"),
                arguments("'  spaced  ' + #id", "  spaced  id-1"),
                arguments("'it''s:' + #id", "it's:id-1"),
                arguments("   #id   +   'x'   ", "id-1x"));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("good")
    void goodExpressions(String expression, String expected) {
        assertThat(key(expression)).isEqualTo(expected);
    }

    static Stream<Arguments> bad() {
        return Stream.of(
                arguments("", "the expression is empty"),
                arguments("#", "expected a parameter name after '#'"),
                arguments("#nope", "#nope is not a parameter of the method (known: #id or #p0, #req or #p1"),
                arguments("#p9", "#p9 refers to parameter 9, but the method has 6 parameters"),
                arguments("#req.missing", "#req.missing: " + Request.class.getName() + " has no property 'missing'"),
                arguments("#req.", "expected a property name after '#req.'"),
                arguments("#count.value", "#count is of type int, which has no property 'value'"),
                arguments("#id.toUpperCase()", "#id.toUpperCase(…): method calls are not supported"),
                arguments("#req.nested['code']", "unexpected '['code']' after #req.nested"),
                arguments("'open + #id", "the literal starting at position 0 is not closed"),
                arguments("#id +", "expected a #parameter or a 'literal' at the end"),
                arguments("#id - 'x'", "expected '+', '?:' or the end at position 4, found '- 'x''"),
                arguments("T(java.lang.Runtime)", "expected a #parameter or a 'literal' at position 0"),
                arguments("#id + + #id", "expected a #parameter or a 'literal' at position 6"),
                arguments("#root.args[0]", "#root is not a parameter"),
                arguments("id", "expected a #parameter or a 'literal' at position 0, found 'id'"),
                arguments("#req.requestId == 'x'", "expected '+', '?:' or the end"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("bad")
    void badExpressionsNameMethodExpressionAndPart(String expression, String detail) {
        assertThatThrownBy(() -> ExpressionCompiler.compile(M, "key", expression))
                .isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageContaining("@Idempotent(key = \"" + expression + "\")")
                .hasMessageContaining("ExpressionGrammarTest.Target.m(String, ExpressionGrammarTest.Request, "
                        + "ExpressionGrammarTest.Bean, int, UUID, ExpressionGrammarTest.Hidden)")
                .hasMessageContaining(detail);
    }

    // ---- through a whole plan: key checks happen before the body ----

    @SuppressWarnings("unused")
    static class Annotated {
        @Idempotent(key = "#req.nested.code")
        String nested(Request req) {
            return "";
        }

        @Idempotent(key = "#req")
        String wholeRecord(Request req) {
            return "";
        }

        @Idempotent(key = "#o")
        String object(Object o) {
            return "";
        }

        @Idempotent(key = "#id", ttl = "PT0S")
        String zeroTtl(String id) {
            return "";
        }

        @Idempotent(key = "#id", lease = "-PT5S")
        String negativeLease(String id) {
            return "";
        }

        @Idempotent(key = "#id")
        java.util.List<?> wildcard(String id) {
            return null;
        }

        @Idempotent(key = "#id")
        <T> T generic(String id) {
            return null;
        }

        @Idempotent(key = "#id")
        @SuppressWarnings("rawtypes")
        java.util.List raw(String id) {
            return null;
        }

        @Idempotent(key = "#id")
        java.util.concurrent.Future<String> future(String id) {
            return null;
        }

        @Idempotent(key = "#id")
        Runnable abstractType(String id) {
            return null;
        }

        @Idempotent(key = "#id")
        java.util.stream.Stream<String> stream(String id) {
            return null;
        }

    }

    private static MethodPlan plan(String name) {
        for (Method m : Annotated.class.getDeclaredMethods()) {
            if (m.getName().equals(name)) {
                return MethodPlan.compile(m);
            }
        }
        throw new AssertionError(name);
    }

    @Test
    void aNullAlongThePathIsAKeyErrorNamingThePart() {
        MethodPlan plan = plan("nested");
        assertThat(plan.failure()).isNull();
        assertThat(plan.key(new Object[] {REQ})).isEqualTo("N");
        assertThatThrownBy(() -> plan.key(new Object[] {new Request("r", 1, null, false)}))
                .isInstanceOf(IdempotencyKeyException.class)
                .hasMessageContaining("the key #req.nested.code is null")
                .hasMessageContaining("Annotated.nested(ExpressionGrammarTest.Request)");
        assertThatThrownBy(() -> plan.key(new Object[] {null})).isInstanceOf(IdempotencyKeyException.class);
    }

    @Test
    void aRecordWithItsOwnToStringMayBeAKeyButObjectMayNot() {
        assertThat(plan("wholeRecord").failure()).isNull();
        assertThat(plan("object").failure()).isNotNull().hasMessageContaining("no toString() of its own");
    }

    @Test
    void unsupportedDurationsAndReturnTypesFailThePlan() {
        assertThat(plan("zeroTtl").failure()).hasMessageContaining("ttl must be positive");
        assertThat(plan("negativeLease").failure()).hasMessageContaining("lease must be positive");
        assertThat(plan("wildcard").failure()).hasMessageContaining("Object says nothing");
        assertThat(plan("generic").failure()).hasMessageContaining("type variable T");
        assertThat(plan("raw").failure()).hasMessageContaining("raw type List");
        assertThat(plan("future").failure()).hasMessageContaining("declare CompletionStage<T> or CompletableFuture<T>");
        assertThat(plan("abstractType").failure()).hasMessageContaining("Runnable is abstract");
        assertThat(plan("stream").failure()).hasMessageContaining("Stream is not a value");
    }
}
