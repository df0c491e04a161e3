package dev.idempotency.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.signature.internal.StructuredFields;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignatureStructuredFieldsTest {

    @Test
    void parsesEveryBareItemTypeAndRoundTripsCanonicalForm() {
        String field = "a=(\"x\" \"y\";p=1);created=1618884473;keyid=\"k\\\"1\", b=:AQID:, c, d=?0, e=tok/en:x,"
                + " f=-12.5;q, g=42";
        Map<String, Object> dict = StructuredFields.parseDictionary(field);
        assertThat(dict).containsOnlyKeys("a", "b", "c", "d", "e", "f", "g");
        StructuredFields.InnerList a = (StructuredFields.InnerList) dict.get("a");
        assertThat(a.items()).extracting(StructuredFields.Item::value).containsExactly("x", "y");
        assertThat(a.items().get(1).params()).containsEntry("p", 1L);
        assertThat(a.params()).containsEntry("created", 1618884473L).containsEntry("keyid", "k\"1");
        assertThat(((StructuredFields.Item) dict.get("b")).value()).isEqualTo(new StructuredFields.Bytes(new byte[] {1, 2, 3}));
        assertThat(((StructuredFields.Item) dict.get("c")).value()).isEqualTo(true);
        assertThat(((StructuredFields.Item) dict.get("d")).value()).isEqualTo(false);
        assertThat(((StructuredFields.Item) dict.get("e")).value()).isEqualTo(new StructuredFields.Token("tok/en:x"));
        assertThat(((StructuredFields.Item) dict.get("f")).value()).isEqualTo(new BigDecimal("-12.5"));
        assertThat(StructuredFields.serializeDictionary(dict)).isEqualTo(field);
    }

    @Test
    void refusesWhatTheRfcAlgorithmRefuses() {
        for (String bad : new String[] {
                "A=1",                    // uppercase key
                "a=1,",                   // trailing comma
                "a=(\"x\"",               // unclosed inner list
                "a=\"x",                  // unclosed string
                "a=\"\\x\"",              // bad escape
                "a=\"caf\u00e9\"",        // non-ASCII in a string
                "a=1234567890123456",     // 16-digit integer
                "a=1.2345",               // 4 fractional digits
                "a=:AQ=ID:",              // not base64
                "a=?2",                   // not a boolean
                "a=1 b=2",                // missing comma
                "a=(\"x\"\"y\")",         // items not separated
                "a=@",                    // no item
        }) {
            assertThatThrownBy(() -> StructuredFields.parseDictionary(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("position");
        }
    }

    @Test
    void anInnerListReceivedInCanonicalFormKeepsItsTextAndOtherwiseIsReserialized() {
        String canonical = "(\"@method\" \"x\";k=1);created=1618884473;nonce=\"n\";f;t=tok";
        assertThat(((StructuredFields.InnerList) StructuredFields.parseDictionary("a=" + canonical).get("a")).source())
                .isEqualTo(canonical);
        Map<String, String> loose = Map.of(
                "a=( \"x\" \"y\");p=1", "(\"x\" \"y\");p=1",
                "a=(\"x\"  \"y\");p=1", "(\"x\" \"y\");p=1",
                "a=(\"x\" \"y\" );p=1", "(\"x\" \"y\");p=1",
                "a=(\"x\");p=?1", "(\"x\");p",
                "a=(\"x\");p=007", "(\"x\");p=7",
                "a=(\"x\");p=-0", "(\"x\");p=0",
                "a=(\"x\");p=1.50", "(\"x\");p=1.5",
                "a=(\"x\");p=:QR==:", "(\"x\");p=:QQ==:",
                "a=(\"x\");  p=1", "(\"x\");p=1");
        loose.forEach((field, expected) -> {
            StructuredFields.InnerList list = (StructuredFields.InnerList) StructuredFields.parseDictionary(field).get("a");
            assertThat(list.source()).as(field).isNull();
            assertThat(StructuredFields.serialize(list)).as(field).isEqualTo(expected);
        });
    }

    @Test
    void laterDuplicateKeysOverwriteInPlaceAsTheRfcSays() {
        Map<String, Object> dict = StructuredFields.parseDictionary("a=1, b=2, a=3");
        assertThat(dict.keySet()).containsExactly("a", "b");
        assertThat(((StructuredFields.Item) dict.get("a")).value()).isEqualTo(3L);
    }
}
