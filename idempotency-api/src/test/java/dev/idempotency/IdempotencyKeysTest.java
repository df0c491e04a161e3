package dev.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class IdempotencyKeysTest {

    @Test
    void uuidV7CarriesTheTimeTheVersionAndTheVariant() {
        long before = System.currentTimeMillis();
        UUID uuid = UUID.fromString(IdempotencyKeys.uuidV7());
        long after = System.currentTimeMillis();
        assertThat(uuid.version()).isEqualTo(7);
        assertThat(uuid.variant()).isEqualTo(2);
        long millis = uuid.getMostSignificantBits() >>> 16;
        assertThat(millis).isBetween(before, after + 1);
    }

    @Test
    void uuidV7IsStrictlyIncreasingAsTextWithinOneJvmAlsoWithinAMillisecond() {
        String previous = IdempotencyKeys.uuidV7();
        int sameMillisecond = 0;
        for (int i = 0; i < 50_000; i++) {
            String next = IdempotencyKeys.uuidV7();
            assertThat(next.compareTo(previous)).as("%s after %s", next, previous).isPositive();
            if (next.regionMatches(0, previous, 0, 13)) {
                sameMillisecond++;
            }
            previous = next;
        }
        assertThat(sameMillisecond).as("the loop made many keys within one millisecond").isGreaterThan(100);
    }

    @Test
    void keysMadeOnManyThreadsAtOnceAreAllDifferent() throws Exception {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            done.add(pool.submit(() -> {
                for (int i = 0; i < 20_000; i++) {
                    seen.add(IdempotencyKeys.uuidV7());
                    seen.add(IdempotencyKeys.timestampRandom());
                }
            }));
        }
        for (Future<?> f : done) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(seen).hasSize(4 * 20_000 * 2);
    }

    @Test
    void timestampRandomIsFixedWidthHexSortedByTime() throws Exception {
        String first = IdempotencyKeys.timestampRandom();
        assertThat(first).matches("[0-9a-f]{12}-[0-9a-f]{20}");
        assertThat(Long.parseLong(first.substring(0, 12), 16)).isCloseTo(System.currentTimeMillis(),
                org.assertj.core.data.Offset.offset(5_000L));
        long start = System.currentTimeMillis();
        String later;
        do {
            later = IdempotencyKeys.timestampRandom();
        } while (System.currentTimeMillis() < start + 2);
        assertThat(later.compareTo(first)).isPositive();
        assertThat(IdempotencyKeys.uuid()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    }

    @Test
    void businessKeysNeverCollideAcrossDifferentPartLists() {
        assertThat(IdempotencyKeys.business("a:b", "c")).isEqualTo("a%3Ab:c");
        assertThat(IdempotencyKeys.business("a", "b:c")).isEqualTo("a:b%3Ac");
        Set<String> keys = new HashSet<>();
        String[][] lists = {{"a", "b"}, {"a:b"}, {"a%3Ab"}, {"a", "", "b"}, {"a", "b", ""}, {"", "a", "b"}, {"ab"},
                {"a b"}, {"a+b"}, {"a\u0000b"}, {"caf\u00e9"}, {"cafe\u0301"}, {"\ud83d\udcb8"}, {"A", "B"}};
        for (String[] parts : lists) {
            String key = IdempotencyKeys.business(parts);
            assertThat(keys.add(key)).as("%s gives %s, already seen", List.of(parts), key).isTrue();
            assertThat(key).as("printable ASCII, no space").matches("[\\x21-\\x7E]*");
        }
        assertThat(IdempotencyKeys.business("order-42", "line_7.1~x")).isEqualTo("order-42:line_7.1~x");
    }

    @Test
    void badBusinessPartsAreRefusedSayingWhich() {
        assertThatThrownBy(IdempotencyKeys::business).hasMessageContaining("at least one part");
        assertThatThrownBy(() -> IdempotencyKeys.business("a", null)).hasMessage("part 1 of the business key is null");
        assertThatThrownBy(() -> IdempotencyKeys.business("ok", "x\ud800y")).hasMessageContaining("lone surrogate at 1");
        assertThatThrownBy(() -> IdempotencyKeys.business("x\udc00")).hasMessageContaining("lone surrogate");
        assertThatThrownBy(() -> IdempotencyKeys.business("\u00e9".repeat(100))).hasMessageContaining("over the 255");
    }

    @Test
    void contentHashWithoutTheCoreSaysWhatIsMissing() {
        assertThatThrownBy(() -> IdempotencyKeys.contentHash("x")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs idempotency-core");
    }
}
