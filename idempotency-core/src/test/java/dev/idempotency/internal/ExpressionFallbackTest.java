package dev.idempotency.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.IdempotencyKeyException;
import dev.idempotency.IdempotencyKeys;
import dev.idempotency.Idempotent;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code a ?: b} and {@code #contentHash(…)}: a key derived from the content when the caller sends none. */
class ExpressionFallbackTest {

    public record Transfer(String from, String to, BigDecimal amount) {
    }

    public record Refund(String from, String to, BigDecimal amount) {
    }

    /** State hidden from every reader: nothing to hash. */
    static final class Opaque {
        @SuppressWarnings("unused")
        private final String secret = "s";
    }

    /** Counts how often its content is read. */
    public static final class Counted {
        static final AtomicInteger READS = new AtomicInteger();

        public String getValue() {
            READS.incrementAndGet();
            return "v";
        }
    }

    @SuppressWarnings("unused")
    static class Target {
        void m(String id, String other, Transfer req, Map<String, Object> body, int count, Opaque opaque,
               Counted counted) {
        }

        void clash(String contentHash, Transfer req) {
        }
    }

    private static final Method M = method("m");
    private static final Method CLASH = method("clash");
    private static final Transfer REQ = new Transfer("A", "B", new BigDecimal("10.0"));

    private static Method method(String name) {
        for (Method m : Target.class.getDeclaredMethods()) {
            if (m.getName().equals(name)) {
                return m;
            }
        }
        throw new AssertionError(name);
    }

    private static Object[] args(String id, String other) {
        return new Object[] {id, other, REQ, Map.of("to", "B"), 5, new Opaque(), new Counted()};
    }

    private static Object value(Method method, String expression, Object[] args) {
        try {
            return ExpressionCompiler.compile(method, "key", expression).value(args);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private static final String HASH = IdempotencyKeys.contentHash(REQ);

    static Stream<Arguments> good() {
        return Stream.of(
                arguments("#id ?: 'fallback'", "id-1", null, "id-1"),
                arguments("#id ?: 'fallback'", null, null, "fallback"),
                arguments("#id ?: 'fallback'", "", null, "fallback"),
                arguments("#id ?: 'fallback'", " ", null, " "),
                arguments("#id?:'fallback'", null, null, "fallback"),
                arguments("#id ?: #contentHash(#req)", null, null, HASH),
                arguments("#id ?: #contentHash(#req)", "id-1", null, "id-1"),
                arguments("'order:' + (#id ?: #contentHash(#req))", null, null, "order:" + HASH),
                arguments("'order:' + (#id ?: #contentHash(#req))", "id-1", null, "order:id-1"),
                arguments("'order:' + (#id ?: #contentHash(#req)) + ':v1'", "id-1", null, "order:id-1:v1"),
                // + binds tighter than ?:, as in SpEL: the right side is the whole concatenation
                arguments("#id ?: 'x:' + #req.from + #count", null, null, "x:A5"),
                arguments("#id ?: 'x:' + #req.from + #count", "id-1", null, "id-1"),
                // ?: groups to the right: the first that is neither null nor empty
                arguments("#id ?: #other ?: 'last'", null, "o", "o"),
                arguments("#id ?: #other ?: 'last'", null, "", "last"),
                arguments("(#id ?: #other) ?: 'last'", null, null, "last"),
                arguments("('a' + #count) + ('b')", null, null, "a5b"),
                arguments("#headers['Idempotency-Key'] ?: #contentHash(#req)", null, null, HASH),
                arguments("#id ?: #contentHash(#req.from, #req.amount)", null, null,
                        IdempotencyKeys.contentHash("A", new BigDecimal("10.00"))));
    }

    @ParameterizedTest(name = "{0} with id={1}, other={2}: {3}")
    @MethodSource("good")
    void evaluates(String expression, String id, String other, String expected) {
        assertThat(value(M, expression, args(id, other))).isEqualTo(expected);
    }

    @Test
    void theHashIsTheClientsContentHashForRecordsMapsAndSeveralValues() {
        assertThat((String) value(M, "#contentHash(#req)", args(null, null))).isEqualTo(IdempotencyKeys.contentHash(REQ))
                .isEqualTo(IdempotencyKeys.contentHash(new Transfer("A", "B", new BigDecimal("1E+1"))))
                .isNotEqualTo(IdempotencyKeys.contentHash(new Refund("A", "B", new BigDecimal("10.0"))))
                .matches("[A-Za-z0-9_-]{43}");

        Map<String, Object> one = new LinkedHashMap<>();
        one.put("amount", 10);
        one.put("to", "B");
        Map<String, Object> two = new LinkedHashMap<>();
        two.put("to", "B");
        two.put("amount", 10);
        Object[] withOne = args(null, null);
        withOne[3] = one;
        Object[] withTwo = args(null, null);
        withTwo[3] = two;
        assertThat(value(M, "#contentHash(#body)", withOne)).isEqualTo(value(M, "#contentHash(#body)", withTwo))
                .isEqualTo(IdempotencyKeys.contentHash(two));

        assertThat(value(M, "#contentHash(#id, #req)", args("k", null))).isEqualTo(IdempotencyKeys.contentHash("k", REQ));
        assertThat(value(M, "#contentHash(#id, #other)", args("ab", "c")))
                .as("values are kept apart, never joined")
                .isNotEqualTo(value(M, "#contentHash(#id, #other)", args("a", "bc")));
        assertThat(value(M, "#contentHash(#id)", args(null, null))).isEqualTo(IdempotencyKeys.contentHash((Object) null));
        assertThat(value(M, "#contentHash('v2', #req)", args(null, null)))
                .isEqualTo(IdempotencyKeys.contentHash("v2", REQ));
    }

    @Test
    void theRightSideIsReadOnlyWhenTheLeftIsMissingAndThenOnce() {
        Counted.READS.set(0);
        value(M, "'k:' + (#id ?: #contentHash(#counted))", args("id-1", null));
        assertThat(Counted.READS).as("a key sent: nothing hashed").hasValue(0);
        value(M, "'k:' + (#id ?: #contentHash(#counted))", args(null, null));
        assertThat(Counted.READS).hasValue(1);
    }

    @Test
    void aParameterNamedContentHashIsStillReadAndTheFunctionStillCalled() {
        Object[] args = {"mine", REQ};
        assertThat(value(CLASH, "#contentHash", args)).isEqualTo("mine");
        assertThat(value(CLASH, "#contentHash.empty", new Object[] {null, REQ})).isNull();
        assertThat(value(CLASH, "#contentHash ?: #contentHash(#req)", new Object[] {null, REQ}))
                .isEqualTo(IdempotencyKeys.contentHash(REQ));
        assertThat(value(CLASH, "#contentHash(#contentHash)", args)).isEqualTo(IdempotencyKeys.contentHash("mine"));
    }

    static Stream<Arguments> bad() {
        return Stream.of(
                arguments("?: #id", "?: at position 0 has nothing on its left"),
                arguments("#id ?:", "?: at position 4 has nothing on its right"),
                arguments("#id ?:   ", "?: at position 4 has nothing on its right"),
                arguments("'order:' + (#id ?: )", "?: at position 16 has nothing on its right"),
                arguments("#id ?: ?: #other", "?: at position 7 has nothing on its left"),
                arguments("#contentHash()", "#contentHash() at position 0 has nothing to hash"),
                arguments("'k:' + #contentHash( )", "#contentHash() at position 7 has nothing to hash"),
                arguments("#contentHash(#req", "#contentHash( at position 0 is not closed with ')'"),
                arguments("#contentHash(#id,)", "has an empty argument at position 17"),
                arguments("#contentHash(,#id)", "has an empty argument at position 13"),
                arguments("#contentHash(#id + #other)", "'+' at position 17 would join texts"),
                arguments("#contentHash(#id #other)", "expected ',' or ')' at position 17 in #contentHash(…)"),
                arguments("#contentHash(#contentHash(#req))", "#contentHash(…) at position 13 inside #contentHash(…)"),
                arguments("#contentHash((#req))", "parentheses at position 13 are not an argument"),
                arguments("#contentHash(#opaque)", "#opaque is of type " + Opaque.class.getName()
                        + ", which cannot be hashed"),
                arguments("#contentHash(#req).from", "unexpected '.from' after #contentHash(#req)"),
                arguments("#hash(#req)", "#hash(…) at position 0: the only function is #contentHash(…)"),
                arguments("#contentHash", "#contentHash is not a parameter of the method"),
                arguments("#contentHash", "call it: #contentHash(#req)"),
                arguments("'order:' + #id ?: #contentHash(#req)",
                        "the left side of ?: at position 15 is a concatenation, which is never null"),
                arguments("('order:' + #id) ?: #other", "the left side of ?: at position 17 is a concatenation"),
                arguments("'x' ?: #id", "the left side of ?: at position 4, 'x', is never null or empty"),
                arguments("#count ?: #id", "the left side of ?: at position 7, #count, is never null or empty"),
                arguments("#contentHash(#req) ?: #id", "#contentHash(#req), is never null or empty"),
                arguments("(#id ?: #other", "the '(' at position 0 is not closed with ')'"),
                arguments("(#id ?: #other #id)", "the '(' at position 0 is not closed with ')': found '#id)' at position 15"),
                arguments("#id)", "unexpected ')' at position 3: no '(' opens it"),
                arguments("()", "expected a #parameter or a 'literal' at position 1, found ')'"),
                arguments("#id ? #other : 'x'", "expected '+', '?:' or the end at position 4, found '? #other : 'x''"),
                arguments("#id ?: #other?", "unexpected '?' after #other"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("bad")
    void badExpressionsNameMethodExpressionAndPosition(String expression, String detail) {
        assertThatThrownBy(() -> ExpressionCompiler.compile(M, "key", expression))
                .isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageContaining("@Idempotent(key = \"" + expression + "\")")
                .hasMessageContaining("ExpressionFallbackTest.Target.m(String, String, ExpressionFallbackTest.Transfer,"
                        + " Map, int, ExpressionFallbackTest.Opaque, ExpressionFallbackTest.Counted)")
                .hasMessageContaining(detail);
    }

    @Test
    void aFingerprintNamesThePayloadItselfSoChoicesAndHashesAreRefusedThere() {
        assertThatThrownBy(() -> ExpressionCompiler.compile(M, "fingerprint", "#id ?: #req"))
                .isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageContaining("@Idempotent(fingerprint = \"#id ?: #req\")")
                .hasMessageContaining("?: at position 4 chooses a key");
        assertThatThrownBy(() -> ExpressionCompiler.compile(M, "fingerprint", "#contentHash(#req)"))
                .isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageContaining("#contentHash(…) at position 0 makes a key");
        assertThat(ExpressionCompiler.compile(M, "fingerprint", "(#id + #req)").terms).hasSize(2);
    }

    // ---- through a whole plan: what the engine does with the key ----

    @SuppressWarnings("unused")
    static class Annotated {
        @Idempotent(key = "#id ?: #other")
        String either(String id, String other) {
            return "";
        }

        @Idempotent(key = "#id ?: 'x:' + #other")
        String prefixed(String id, String other) {
            return "";
        }

        @Idempotent(key = "#id ?: #contentHash(#payload)")
        String anything(String id, Object payload) {
            return "";
        }

        @Idempotent(key = "#id ?: #whole")
        String wholeObject(String id, Object whole) {
            return "";
        }

        @Idempotent(key = "#id ?: #contentHash()")
        String empty(String id) {
            return "";
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
    void aChoiceWithNothingOnEitherSideIsABadKeyNamingThePart() {
        MethodPlan either = plan("either");
        assertThat(either.failure()).isNull();
        assertThat(either.key(new Object[] {null, "o"})).isEqualTo("o");
        assertThatThrownBy(() -> either.key(new Object[] {null, null})).isInstanceOf(IdempotencyKeyException.class)
                .hasMessageContaining("the key #id ?: #other is null");
        assertThatThrownBy(() -> either.key(new Object[] {" ", "o"})).as("a blank key sent is refused, not replaced")
                .isInstanceOf(IdempotencyKeyException.class).hasMessageContaining("the key is blank");
        assertThatThrownBy(() -> plan("prefixed").key(new Object[] {null, null}))
                .isInstanceOf(IdempotencyKeyException.class).hasMessageContaining("the key part #other is null")
                .hasMessageContaining("@Idempotent(key = \"#id ?: 'x:' + #other\")");
    }

    @Test
    void contentWithNothingToHashIsRefusedAtTheCallBeforeTheBody() {
        MethodPlan plan = plan("anything");
        assertThat(plan.failure()).isNull();
        assertThat(plan.key(new Object[] {null, REQ})).isEqualTo(IdempotencyKeys.contentHash(REQ));
        assertThatThrownBy(() -> plan.key(new Object[] {null, new Opaque()}))
                .isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageContaining("cannot hash the content in #id ?: #contentHash(#payload)")
                .hasMessageContaining(Opaque.class.getName());
    }

    @Test
    void eachSideOfAChoiceIsCheckedAsAKeyAndABadOneFailsThePlan() {
        assertThat(plan("wholeObject").failure()).isNotNull().hasMessageContaining("#whole is of type java.lang.Object")
                .hasMessageContaining("no toString() of its own");
        assertThat(plan("empty").failure()).isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageContaining("#contentHash() at position 7 has nothing to hash")
                .hasMessageContaining("ExpressionFallbackTest.Annotated.empty(String)");
    }
}
