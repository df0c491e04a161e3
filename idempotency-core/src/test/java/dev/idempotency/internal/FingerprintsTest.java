package dev.idempotency.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class FingerprintsTest {

    record Payment(String id, BigDecimal amount, Instant at, List<String> tags, Map<String, Integer> limits) {
    }

    public static class Bean {
        private final String name;
        private final int size;

        public Bean(String name, int size) {
            this.name = name;
            this.size = size;
        }

        public String getName() {
            return name;
        }

        public int getSize() {
            return size;
        }
    }

    private static String fp(Object... args) throws Exception {
        return Fingerprints.of(args);
    }

    @Test
    void equalPayloadsAgreeHoweverTheyWereBuilt() throws Exception {
        Map<String, Integer> hash = new HashMap<>();
        Map<String, Integer> tree = new TreeMap<>();
        for (int i = 0; i < 50; i++) {
            hash.put("k" + i, i);
        }
        for (int i = 49; i >= 0; i--) {
            tree.put("k" + i, i);
        }
        Payment a = new Payment("p", new BigDecimal("1.50"), Instant.EPOCH, List.of("x", "y"), hash);
        Payment b = new Payment("p", new BigDecimal("1.50"), Instant.EPOCH, new ArrayList<>(List.of("x", "y")), tree);
        assertThat(fp(a)).isEqualTo(fp(b)).hasSize(43);

        HashSet<String> set = new HashSet<>();
        LinkedHashSet<String> linked = new LinkedHashSet<>();
        for (int i = 0; i < 100; i++) {
            set.add("e" + i);
            linked.add("e" + (99 - i));
        }
        assertThat(fp(set)).isEqualTo(fp(linked));
        assertThat(fp(new Bean("n", 3))).isEqualTo(fp(new Bean("n", 3)));
        UUID id = UUID.randomUUID();
        assertThat(fp(id, Optional.of(3))).isEqualTo(fp(UUID.fromString(id.toString()), Optional.of(3)));
    }

    @Test
    void differentPayloadsDiffer() throws Exception {
        assertThat(fp("1")).isNotEqualTo(fp(1));
        assertThat(fp((Object) null)).isNotEqualTo(fp("null"));
        assertThat(fp(List.of("ab", "c"))).isNotEqualTo(fp(List.of("a", "bc")));
        assertThat(fp("a", "b")).isNotEqualTo(fp("b", "a"));
        assertThat(fp(new BigDecimal("1.5"))).isNotEqualTo(fp(new BigDecimal("1.51")));
        assertThat(fp(1.0d)).isNotEqualTo(fp(1.0f));
        assertThat(fp(new Bean("n", 3))).isNotEqualTo(fp(new Bean("n", 4)));
        assertThat(fp(Optional.empty())).isNotEqualTo(fp((Object) null));
        assertThat(fp(List.of(1, 2))).isNotEqualTo(fp(List.of(2, 1)));
        assertThat(fp(Map.of("a", 1))).isNotEqualTo(fp(Map.of("a", 2)));
        assertThat(fp(new int[] {1, 2})).isNotEqualTo(fp(new int[] {1, 3}));
    }

    sealed interface Command permits Deposit, Withdraw {
    }

    record Deposit(String requestId, String account, long cents) implements Command {
    }

    record Withdraw(String requestId, String account, long cents) implements Command {
    }

    enum CardRail { STANDARD, INSTANT }

    enum BankRail { STANDARD, INSTANT }

    enum WithBodies {
        A { },
        B { }
    }

    public static class OtherBean {
        private final String name;
        private final int size;

        public OtherBean(String name, int size) {
            this.name = name;
            this.size = size;
        }

        public String getName() {
            return name;
        }

        public int getSize() {
            return size;
        }
    }

    /** A bean with a set and a map of sets: nested collections must be sorted like top-level ones. */
    public static class Holder {
        private final Set<String> tags;
        private final Map<String, Set<Integer>> groups;

        public Holder(Set<String> tags, Map<String, Set<Integer>> groups) {
            this.tags = tags;
            this.groups = groups;
        }

        public Set<String> getTags() {
            return tags;
        }

        public Map<String, Set<Integer>> getGroups() {
            return groups;
        }
    }

    /** Fluent accessors only: no property a bean introspector can see. */
    static final class Money {
        private final BigDecimal amount;

        Money(BigDecimal amount) {
            this.amount = amount;
        }

        public BigDecimal amount() {
            return amount;
        }
    }

    @Test
    void theRuntimeTypeIsPartOfThePayload() throws Exception {
        assertThat(fp(new Deposit("r1", "acct", 100))).isEqualTo(fp(new Deposit("r1", "acct", 100)))
                .isNotEqualTo(fp(new Withdraw("r1", "acct", 100)));
        assertThat(fp(CardRail.INSTANT)).isEqualTo(fp(CardRail.INSTANT)).isNotEqualTo(fp(BankRail.INSTANT))
                .isNotEqualTo(fp(CardRail.STANDARD));
        assertThat(fp(WithBodies.A)).isEqualTo(fp(WithBodies.A)).isNotEqualTo(fp(WithBodies.B));
        assertThat(fp(new Bean("n", 3))).isNotEqualTo(fp(new OtherBean("n", 3)));
        assertThat(fp(List.of(new Deposit("r", "a", 1)))).isNotEqualTo(fp(List.of(new Withdraw("r", "a", 1))));
    }

    @Test
    void setsAndMapsInsideABeanAreSorted() throws Exception {
        Set<String> small = new HashSet<>();
        Set<String> large = new HashSet<>(4096);
        Map<String, Set<Integer>> groupsA = new HashMap<>();
        Map<String, Set<Integer>> groupsB = new TreeMap<>();
        for (int i = 0; i < 40; i++) {
            small.add("t" + i);
            large.add("t" + (39 - i));
            groupsA.put("g" + i, new HashSet<>(List.of(i, i * 1000, -i)));
            groupsB.put("g" + i, new LinkedHashSet<>(List.of(-i, i * 1000, i)));
        }
        assertThat(new ArrayList<>(small)).as("precondition").isNotEqualTo(new ArrayList<>(large));
        assertThat(fp(new Holder(small, groupsA))).isEqualTo(fp(new Holder(large, groupsB)));
        groupsB.put("g3", Set.of(3));
        assertThat(fp(new Holder(small, groupsA))).isNotEqualTo(fp(new Holder(large, groupsB)));
    }

    @Test
    void numericallyEqualDecimalsAgree() throws Exception {
        assertThat(fp(new BigDecimal("1.0"))).isEqualTo(fp(new BigDecimal("1.00"))).isEqualTo(fp(BigDecimal.ONE))
                .isEqualTo(fp(new BigDecimal("0.1E+1")));
        assertThat(fp(new BigDecimal("100"))).isEqualTo(fp(new BigDecimal("1E+2")))
                .isNotEqualTo(fp(new BigDecimal("10")));
        assertThat(fp(BigDecimal.ZERO)).isEqualTo(fp(new BigDecimal("0.000"))).isEqualTo(fp(new BigDecimal("0E+5")))
                .isEqualTo(fp(new BigDecimal("-0.00")));
        assertThat(fp(new BigDecimal("-1.50"))).isEqualTo(fp(new BigDecimal("-1.5")))
                .isNotEqualTo(fp(new BigDecimal("1.5")));
        // a map whose keys are equal only numerically still has one canonical form, whatever its iteration order
        Map<BigDecimal, String> one = new java.util.LinkedHashMap<>();
        one.put(new BigDecimal("1.0"), "a");
        one.put(new BigDecimal("1.00"), "b");
        Map<BigDecimal, String> two = new java.util.LinkedHashMap<>();
        two.put(new BigDecimal("1.00"), "b");
        two.put(new BigDecimal("1.0"), "a");
        assertThat(fp(one)).isEqualTo(fp(two));
    }

    @Test
    void anObjectWithoutReadableStateIsRefusedNotFingerprintedEmpty() {
        assertThatThrownBy(() -> fp(new Money(BigDecimal.TEN))).isInstanceOf(UnreadablePayloadException.class)
                .hasMessageContaining(Money.class.getName());
        assertThatThrownBy(() -> fp(new Object())).isInstanceOf(UnreadablePayloadException.class)
                .hasMessageContaining("java.lang.Object");
        Supplier<String> lambda = () -> "x";
        assertThatThrownBy(() -> fp(lambda)).isInstanceOf(UnreadablePayloadException.class);
        assertThatThrownBy(() -> fp(List.of(new Deposit("r", "a", 1), new Money(BigDecimal.ONE))))
                .isInstanceOf(UnreadablePayloadException.class);
    }

    @Test
    void theCanonicalFormIsVersioned() throws Exception {
        String raw = Fingerprints.of("x", true);
        assertThat(raw.charAt(0)).isEqualTo('~');
        assertThat((int) raw.charAt(1)).isEqualTo(CanonicalBytes.VERSION);
    }

    @Test
    void aCycleIsAnErrorNotAHang() {
        List<Object> cycle = new ArrayList<>();
        cycle.add(cycle);
        assertThatThrownBy(() -> fp(cycle)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deeper");
    }
}
