package dev.idempotency.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.IdempotencyKeys;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code IdempotencyKeys.contentHash}: the fingerprints' canonical form, reachable from the api. */
class ContentHashTest {

    public record Transfer(String from, String to, BigDecimal amount) {
    }

    public record Refund(String from, String to, BigDecimal amount) {
    }

    @Test
    void equalContentGivesEqualKeysAndEqualFieldsOfAnotherTypeDoNot() {
        String a = IdempotencyKeys.contentHash(new Transfer("A", "B", new BigDecimal("10.0")));
        assertThat(a).matches("[A-Za-z0-9_-]{43}");
        assertThat(IdempotencyKeys.contentHash(new Transfer("A", "B", new BigDecimal("10.00")))).isEqualTo(a);
        assertThat(IdempotencyKeys.contentHash(new Refund("A", "B", new BigDecimal("10.0")))).isNotEqualTo(a);
        assertThat(IdempotencyKeys.contentHash(new Transfer("A", "B", new BigDecimal("10.01")))).isNotEqualTo(a);
    }

    @Test
    void mapsHashTheSameWhateverTheirOrderAndSeveralValuesAreKeptApart() {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("amount", 10);
        one.put("to", "B");
        Map<String, Object> two = new LinkedHashMap<>();
        two.put("to", "B");
        two.put("amount", 10);
        assertThat(IdempotencyKeys.contentHash(one)).isEqualTo(IdempotencyKeys.contentHash(two));
        assertThat(IdempotencyKeys.contentHash("ab", "c")).isNotEqualTo(IdempotencyKeys.contentHash("a", "bc"));
        assertThat(IdempotencyKeys.contentHash(List.of("ab", "c"))).isNotEqualTo(IdempotencyKeys.contentHash("ab", "c"));
    }

    static final class Opaque {
    }

    @Test
    void aValueWithNothingToReadIsRefused() {
        assertThatThrownBy(() -> IdempotencyKeys.contentHash(new Opaque())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot hash the content");
    }

    /** Another JVM, started now, hashes the same value to the same key. */
    public static void main(String[] args) {
        System.out.println("hash=" + IdempotencyKeys.contentHash(new Transfer("A", "B", new BigDecimal("10.0"))));
    }

    @Test
    void anotherJvmGivesTheSameKey() throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ContentHashTest.class.getName())
                .redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(output).contains("hash=" + IdempotencyKeys.contentHash(new Transfer("A", "B", new BigDecimal("10.0"))));
    }
}
