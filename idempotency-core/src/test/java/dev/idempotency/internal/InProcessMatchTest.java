package dev.idempotency.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The in-memory replay compares a payload with a stored fingerprint without building its own: it must agree with
 * building it and comparing the strings, for small (raw) and large (hashed) payloads alike, and never confuse one
 * form with the other.
 */
class InProcessMatchTest {

    record Transfer(String id, String to, long cents) {
    }

    record Other(String id, String to, long cents) {
    }

    @Test
    void aPayloadMatchesItsOwnFingerprintAndNoOther() {
        List<Object> payloads = List.of(new Transfer("t-1", "DE89", 100), new Transfer("t-1", "DE89", 101),
                new Other("t-1", "DE89", 100), "x".repeat(300), "x".repeat(301), "é\u00ff\u0100\ud83d\ude00",
                "a\u0000b", new Object[] {new Transfer("t-1", "DE89", 100)}, List.of(1, 2, 3));
        for (Object a : payloads) {
            String stored = Fingerprints.of(a, true);
            for (Object b : payloads) {
                boolean expected = Fingerprints.of(b, true).equals(stored);
                assertThat(Fingerprints.matches(b, stored)).as("%s against the fingerprint of %s", b, a)
                        .isEqualTo(expected);
            }
            assertThat(Fingerprints.matches(a, stored)).isTrue();
        }
    }

    @Test
    void aRawFingerprintNeverMatchesAHashedOneOrAPrefix() {
        Transfer small = new Transfer("t-1", "DE89", 100);
        String raw = Fingerprints.of(small, true);
        assertThat(raw).startsWith("~");
        assertThat(Fingerprints.matches(small, Fingerprints.of(small, false))).isFalse();
        assertThat(Fingerprints.matches(small, raw.substring(0, raw.length() - 1))).isFalse();
        assertThat(Fingerprints.matches(small, raw + "x")).isFalse();
        assertThat(Fingerprints.matches(small, "-")).isFalse();
        byte[] streamed = new byte[64 * 1024]; // large enough to go straight into the digest
        streamed[1] = 1;
        assertThat(Fingerprints.matches(streamed, Fingerprints.of(streamed, true))).isTrue();
        assertThat(Fingerprints.matches(streamed, Fingerprints.of(new byte[64 * 1024], true))).isFalse();
        assertThat(Fingerprints.matches(new byte[64 * 1024], Fingerprints.of(new byte[64 * 1024], true))).isTrue();
        String longText = "é".repeat(40_000);
        assertThat(Fingerprints.matches(longText, Fingerprints.of(longText, true))).isTrue();
        assertThat(Fingerprints.matches(longText, Fingerprints.of(longText + "x", true))).isFalse();
        String big = "y".repeat(1_000);
        assertThat(Fingerprints.matches(big, Fingerprints.of(big, true))).isTrue();
        assertThat(Fingerprints.matches(big, Fingerprints.of("z".repeat(1_000), true))).isFalse();
    }

    @Test
    void multiTermFingerprintsMatchTheirOwn() {
        Object[] terms = {"a", 1L, new Transfer("t", "u", 2)};
        String stored = Fingerprints.ofTerms(terms, true);
        assertThat(Fingerprints.matchesTerms(terms, stored)).isTrue();
        assertThat(Fingerprints.matchesTerms(new Object[] {"a", 1L, new Other("t", "u", 2)}, stored)).isFalse();
        assertThat(Fingerprints.matches(terms, stored)).as("the terms as one array are another payload").isFalse();
    }

    @Test
    void ownerTokensAreDistinctAndShareTheProcessPrefix() {
        OwnerTokens tokens = new OwnerTokens();
        Set<String> seen = new HashSet<>();
        String first = tokens.next();
        String prefix = first.substring(0, first.indexOf('-') + 1);
        assertThat(prefix).matches("[0-9a-f]{16}-");
        assertThat(first).isEqualTo(prefix + "1");
        seen.add(first);
        for (int i = 2; i <= 100_000; i++) {
            String token = tokens.next();
            assertThat(token.substring(prefix.length())).isEqualTo(Long.toString(i, 36));
            seen.add(token);
        }
        assertThat(seen).hasSize(100_000);
        assertThat(new OwnerTokens().next()).doesNotStartWith(prefix);
    }
}
