package dev.idempotency.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.util.JedisClusterCRC16;

class KeyLayoutTest {

    private final KeyLayout layout = new KeyLayout("idem:");

    private String key(String namespace, String key) {
        return new String(layout.key(namespace, key), StandardCharsets.UTF_8);
    }

    @Test
    void prefixReadableNamespaceAndOneHashTag() {
        String k = key("com.acme.TransferService.transfer", "req-1");
        assertThat(k).matches("idem:com\\.acme\\.TransferService\\.transfer:\\{[A-Za-z0-9_-]{43}}");
        assertThat(key("com.acme.TransferService.transfer", "req-1")).isEqualTo(k);
    }

    @Test
    void keysCannotReachTheKeySyntaxOrChooseTheirSlot() {
        for (String userKey : new String[] {"{tag}", "}{", "a}b{c", "{", "x".repeat(255), "\r\n*1\r\n$4\r\nPING",
                "üñï cödé ✓", ""}) {
            String k = key("ns", userKey);
            assertThat(k).startsWith("idem:ns:{").endsWith("}").hasSize("idem:ns:{".length() + 44);
            // the slot is the hash tag's: the tag is the first '{' … '}' and holds only the base64url hash
            String tag = k.substring(k.indexOf('{') + 1, k.indexOf('}'));
            assertThat(JedisClusterCRC16.getSlot(k)).isEqualTo(JedisClusterCRC16.getSlot(tag));
        }
        // two keys that name the same tag land on different slots (with overwhelming probability)
        Set<Integer> slots = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            slots.add(JedisClusterCRC16.getSlot(key("ns", "{same}" + i)));
        }
        assertThat(slots).hasSizeGreaterThan(40);
    }

    @Test
    void aNamespaceCannotOpenAHashTagNorCollideThroughEscapes() {
        String k = key("a{b}c%d e", "k");
        assertThat(k).startsWith("idem:a%7Bb%7Dc%25d%20e:{");
        assertThat(k.indexOf('{')).isEqualTo(k.length() - 45);
        assertThat(key("a%7B", "k")).isNotEqualTo(key("a{", "k"));
        assertThat(KeyLayout.escape("plain.Name:with:colons")).isEqualTo("plain.Name:with:colons");
        assertThat(KeyLayout.escape("tab\tnl\ndel\u007f")).isEqualTo("tab%09nl%0Adel%7F");
    }

    @Test
    void namespaceAndKeyArePairedUnambiguously() {
        // ("a:b", "c") and ("a", "b:c") differ in the readable part and in the hash
        assertThat(key("a:b", "c")).isNotEqualTo(key("a", "b:c"));
        String h1 = key("a:b", "c").substring(key("a:b", "c").indexOf('{'));
        String h2 = key("a", "b:c").substring(key("a", "b:c").indexOf('{'));
        assertThat(h1).isNotEqualTo(h2);
    }

    @Test
    void aKeyOrNamespaceThatIsNotWellFormedUtf16IsRefusedNotTurnedIntoQuestionMarks() {
        // a lenient encoder writes a lone surrogate as '?': these would share a record with "order-?"
        for (String bad : new String[] {"order-\uD800", "order-\uDC00x", "x\uD83D"}) {
            assertThatThrownBy(() -> layout.key("ns", bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not well-formed UTF-16").hasMessageContaining("\\u");
        }
        assertThatThrownBy(() -> layout.key("ns\uD800", "k")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("namespace");
        assertThat(key("ns", "order-?")).isNotEqualTo(key("ns", "order-\uD83D\uDCB3"));
        assertThat(key("ns", "order-\uD83D\uDCB3")).isEqualTo(key("ns", "order-\uD83D\uDCB3"));
    }

    @Test
    void prefixesWithBracesSpacesOrControlsAreRefused() {
        assertThatThrownBy(() -> new KeyLayout("app{1}:")).hasMessageContaining("must not contain '{' or '}'")
                .hasMessageContaining("app{1}:");
        assertThatThrownBy(() -> new KeyLayout("my app:")).hasMessageContaining("spaces or control characters");
        assertThatThrownBy(() -> new KeyLayout("x".repeat(129))).hasMessageContaining("at most 128");
        assertThat(new String(new KeyLayout("").key("ns", "k"), StandardCharsets.UTF_8)).startsWith("ns:{");
    }
}
