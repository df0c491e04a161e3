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
import java.util.UUID;
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
        assertThat(fp(new BigDecimal("1.5"))).isNotEqualTo(fp(new BigDecimal("1.50")));
        assertThat(fp(1.0d)).isNotEqualTo(fp(1.0f));
        assertThat(fp(new Bean("n", 3))).isNotEqualTo(fp(new Bean("n", 4)));
        assertThat(fp(Optional.empty())).isNotEqualTo(fp((Object) null));
        assertThat(fp(List.of(1, 2))).isNotEqualTo(fp(List.of(2, 1)));
        assertThat(fp(Map.of("a", 1))).isNotEqualTo(fp(Map.of("a", 2)));
        assertThat(fp(new int[] {1, 2})).isNotEqualTo(fp(new int[] {1, 3}));
    }

    @Test
    void aCycleIsAnErrorNotAHang() {
        List<Object> cycle = new ArrayList<>();
        cycle.add(cycle);
        assertThatThrownBy(() -> fp(cycle)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deeper");
    }
}
