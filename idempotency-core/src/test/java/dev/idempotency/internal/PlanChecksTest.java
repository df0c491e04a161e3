package dev.idempotency.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.IdempotencyKeyException;
import dev.idempotency.Idempotent;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a plan refuses before the body runs: malformed keys, and payloads that cannot be told apart. */
class PlanChecksTest {

    record Transfer(String id, BigDecimal amount) {
    }

    /** State hidden from every reader. */
    static final class Opaque {
        @SuppressWarnings("unused")
        private final String payee;

        Opaque(String payee) {
            this.payee = payee;
        }
    }

    /** Abstract, so only its runtime subtypes say whether there is something to read. */
    abstract static class Shape {
    }

    static final class Circle extends Shape {
        private final int radius;

        Circle(int radius) {
            this.radius = radius;
        }

        public int getRadius() {
            return radius;
        }
    }

    static final class Blob extends Shape {
    }

    /** Takes its side in through a setter that keeps it under another name: nothing to read back. */
    static final class Square extends Shape {
        private int length;

        public String getColour() {
            return "red";
        }

        public void setSide(int side) {
            this.length = side;
        }
    }

    /** A request whose destination goes in through a setter and is stored under another name. */
    public static class HiddenTo {
        public String id;
        private String destination;

        public void setTo(String to) {
            this.destination = to;
        }
    }

    @SuppressWarnings("unused")
    static class Annotated {
        @Idempotent(key = "#id")
        String text(String id) {
            return "";
        }

        @Idempotent(key = "'order:' + #id + ':' + #n")
        String parts(String id, int n) {
            return "";
        }

        @Idempotent(key = "#id")
        String opaqueArgument(String id, Opaque to) {
            return "";
        }

        @Idempotent(key = "#id", fingerprint = "#to")
        String opaqueExpression(String id, Opaque to) {
            return "";
        }

        @Idempotent(key = "#id", fingerprint = "#id + #to")
        String opaqueTerm(String id, Opaque to) {
            return "";
        }

        @Idempotent(key = "#id", fingerprint = "none")
        String opaqueSwitchedOff(String id, Opaque to) {
            return "";
        }

        @Idempotent(key = "#id")
        String hiddenTo(String id, HiddenTo req) {
            return "";
        }

        @Idempotent(key = "#id", fingerprint = "#req")
        String hiddenToExpression(String id, HiddenTo req) {
            return "";
        }

        @Idempotent(key = "#id")
        String shape(String id, Shape shape) {
            return "";
        }

        @Idempotent(key = "#id")
        String anything(String id, Object payload) {
            return "";
        }

        @Idempotent(key = "#id", fingerprint = "#a + #b")
        String pair(String id, String a, String b) {
            return "";
        }

        @Idempotent(key = "#id", fingerprint = "#t")
        String single(String id, List<String> t) {
            return "";
        }

        @Idempotent(key = "#id", fingerprint = "#t.amount")
        String amount(String id, Transfer t) {
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

    // ---- keys ----

    @Test
    void wellFormedKeysPass() {
        MethodPlan plan = plan("text");
        for (String key : new String[] {"order-?", "order-\uD83D\uDCB3", "\u6CE8\u6587-1", "caf\u00E9", "a b", "x\u00A0y"}) {
            assertThat(plan.key(new Object[] {key})).isEqualTo(key);
        }
        assertThat(plan("parts").key(new Object[] {"a", 7})).isEqualTo("order:a:7");
    }

    @Test
    void malformedUtf16AndControlCharactersAreRefusedWithTheirPositionEscaped() {
        MethodPlan plan = plan("text");
        Object[][] cases = {
                {"order-\uD800", "\\uD800", 6, "lone high surrogate"},
                {"order-\uDC00x", "\\uDC00", 6, "lone low surrogate"},
                {"\uD800\uD800\uDC00", "\\uD800", 0, "lone high surrogate"},
                {"a\u0000b", "\\u0000", 1, "control character"},
                {"a\nb", "\\u000A", 1, "control character"},
                {"a\rb", "\\u000D", 1, "control character"},
                {"\tab", "\\u0009", 0, "control character"},
                {"a\u001Fb", "\\u001F", 1, "control character"},
                {"a\u007Fb", "\\u007F", 1, "control character"},
                {"a\u0085b", "\\u0085", 1, "control character"},
                {"a\u009Fb", "\\u009F", 1, "control character"},
        };
        for (Object[] c : cases) {
            String key = (String) c[0];
            assertThatThrownBy(() -> plan.key(new Object[] {key})).as("%s", c[1])
                    .isInstanceOf(IdempotencyKeyException.class)
                    .hasMessageContaining((String) c[1]).hasMessageContaining("position " + c[2])
                    .hasMessageContaining((String) c[3])
                    .hasMessageContaining("Annotated.text(String)").hasMessageContaining("#id")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContainPattern("[\\p{Cc}\\p{Cs}]"))
                    .satisfies(e -> assertThat(((IdempotencyKeyException) e).getKey())
                            .doesNotContainPattern("[\\p{Cc}\\p{Cs}]"));
        }
        // the part that comes from a literal and the part from a parameter are checked together
        assertThatThrownBy(() -> plan("parts").key(new Object[] {"x\u0000", 1}))
                .isInstanceOf(IdempotencyKeyException.class).hasMessageContaining("position 7");
    }

    @Test
    void anOverlongKeyIsNotEchoedRaw() {
        String key = "\u0000".repeat(300);
        assertThatThrownBy(() -> plan("text").key(new Object[] {key})).isInstanceOf(IdempotencyKeyException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContainPattern("\\p{Cc}"));
    }

    // ---- payloads ----

    @Test
    void aPayloadTypeWithoutReadableStateFailsThePlanWithAFix() {
        assertThat(plan("opaqueArgument").failure()).isNotNull()
                .hasMessageContaining("Annotated.opaqueArgument(String, PlanChecksTest.Opaque)")
                .hasMessageContaining("#to").hasMessageContaining(Opaque.class.getName())
                .hasMessageContaining("fingerprint = \"none\"").hasMessageContaining("fingerprint = \"#to.");
        assertThat(plan("opaqueExpression").failure()).isNotNull()
                .hasMessageContaining("fingerprint = \"#to\"").hasMessageContaining(Opaque.class.getName());
        assertThat(plan("opaqueTerm").failure()).isNotNull()
                .hasMessageContaining("fingerprint = \"#id + #to\"").hasMessageContaining(Opaque.class.getName());
        assertThat(plan("opaqueSwitchedOff").failure()).isNull();
    }

    @Test
    void aPropertyThatGoesInButCannotBeReadBackFailsThePlanNamingIt() {
        assertThat(plan("hiddenTo").failure()).isNotNull()
                .hasMessageContaining("#req").hasMessageContaining(HiddenTo.class.getName())
                .hasMessageContaining("'to'").hasMessageContaining("setter setTo")
                .hasMessageContaining("fingerprint = \"none\"");
        assertThat(plan("hiddenToExpression").failure()).isNotNull()
                .hasMessageContaining("fingerprint = \"#req\"").hasMessageContaining("'to'");
        MethodPlan shape = plan("shape");
        assertThatThrownBy(() -> shape.fingerprint(new Object[] {"k", new Square()}, "k", false))
                .isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageContaining(Square.class.getName()).hasMessageContaining("'side'");
    }

    @Test
    void abstractAndObjectTypesAreCheckedWhenTheCallComes() throws Exception {
        MethodPlan shape = plan("shape");
        assertThat(shape.failure()).isNull();
        assertThat(shape.fingerprint(new Object[] {"k", new Circle(2)}, "k", false))
                .isEqualTo(shape.fingerprint(new Object[] {"k", new Circle(2)}, "k", false))
                .isNotEqualTo(shape.fingerprint(new Object[] {"k", new Circle(3)}, "k", false));
        assertThatThrownBy(() -> shape.fingerprint(new Object[] {"k", new Blob()}, "k", false))
                .isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageContaining("Annotated.shape").hasMessageContaining(Blob.class.getName())
                .hasMessageContaining("fingerprint = \"none\"");
        MethodPlan anything = plan("anything");
        assertThat(anything.failure()).isNull();
        assertThat(anything.fingerprint(new Object[] {"k", "text"}, "k", false)).hasSize(43);
        assertThatThrownBy(() -> anything.fingerprint(new Object[] {"k", new Object()}, "k", false))
                .isInstanceOf(IdempotencyConfigurationException.class).hasMessageContaining("java.lang.Object");
    }

    @Test
    void termsAreATaggedListNotAConcatenation() {
        MethodPlan pair = plan("pair");
        assertThat(pair.fingerprint(new Object[] {"k", "1", "23"}, "k", false))
                .isEqualTo(pair.fingerprint(new Object[] {"k", "1", "23"}, "k", false))
                .isNotEqualTo(pair.fingerprint(new Object[] {"k", "12", "3"}, "k", false))
                .isNotEqualTo(pair.fingerprint(new Object[] {"k", "123", ""}, "k", false));
        assertThat(pair.fingerprint(new Object[] {"k", null, "x"}, "k", false))
                .isNotEqualTo(pair.fingerprint(new Object[] {"k", "null", "x"}, "k", false));
        assertThat(plan("single").fingerprint(new Object[] {"k", List.of("a", "b")}, "k", false))
                .isNotEqualTo(pair.fingerprint(new Object[] {"k", "a", "b"}, "k", false));
        MethodPlan amount = plan("amount");
        assertThat(amount.fingerprint(new Object[] {"k", new Transfer("a", new BigDecimal("2.50"))}, "k", false))
                .isEqualTo(amount.fingerprint(new Object[] {"k", new Transfer("b", new BigDecimal("2.5"))}, "k", false));
    }
}
