package dev.idempotency.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.spi.Outcome;
import dev.idempotency.spi.StoredRecord;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void theFormatIsReadableAndLengthPrefixed() {
        assertThat(text(RecordCodec.inProgress("o-1", "fp"))).isEqualTo("v1:P3:o-1,2:fp,");
        assertThat(text(RecordCodec.ownerPrefix("o-1"))).isEqualTo("v1:P3:o-1,");
        assertThat(text(RecordCodec.completed("fp", Outcome.value("{\"a\":1}")))).isEqualTo("v1:C2:fp,V7:{\"a\":1},");
        assertThat(text(RecordCodec.completed("fp", Outcome.exception("x.Boom", "{}"))))
                .isEqualTo("v1:C2:fp,E6:x.Boom,2:{},");
        assertThat(text(RecordCodec.completed("fp", Outcome.unreplayable("why")))).isEqualTo("v1:C2:fp,U3:why,");
        // lengths count UTF-8 bytes
        assertThat(text(RecordCodec.inProgress("ü", "✓"))).isEqualTo("v1:P2:ü,3:✓,");
    }

    @Test
    void everyShapeRoundTrips() throws Exception {
        String odd = "ünïcödé \" ' \n , : 12:x, v1:C {}";
        StoredRecord inProgress = StoredRecord.inProgress(odd, odd);
        assertThat(RecordCodec.decode(RecordCodec.inProgress(odd, odd))).isEqualTo(inProgress);
        for (Outcome outcome : new Outcome[] {Outcome.value(""), Outcome.value(odd), Outcome.exception(odd, odd),
                Outcome.unreplayable(odd), Outcome.value("x".repeat(100_000))}) {
            assertThat(RecordCodec.decode(RecordCodec.completed(odd, outcome)))
                    .isEqualTo(StoredRecord.completed(odd, outcome));
        }
    }

    @Test
    void theCompleteScriptsSplicingGivesTheCompletedRecord() {
        // the script keeps what follows the owner prefix (the fingerprint field) and appends the outcome tail
        byte[] claim = RecordCodec.inProgress("owner", "fp-1");
        byte[] prefix = RecordCodec.ownerPrefix("owner");
        String spliced = text(RecordCodec.COMPLETED) + text(claim).substring(prefix.length)
                + text(RecordCodec.outcomeTail(Outcome.value("42")));
        assertThat(spliced).isEqualTo(text(RecordCodec.completed("fp-1", Outcome.value("42"))));
        // another owner's prefix never matches, even one that starts with ours
        assertThat(text(RecordCodec.inProgress("owner-2", "fp"))).doesNotStartWith(text(prefix));
        assertThat(text(RecordCodec.inProgress("own", "er"))).doesNotStartWith(text(prefix));
    }

    @Test
    void anythingElseIsRefusedWithAReason() {
        refused("", "does not start with the record header");
        refused("hello", "does not start with the record header");
        refused("{\"owner\":\"x\"}", "does not start with the record header");
        refused("v2:P1:o,1:f,", "newer than this library reads");
        refused("v1:", "ends before the state");
        refused("v1:X1:o,", "unknown state 'X'");
        refused("v1:P1:o,", "the fingerprint is not a length-prefixed field");
        refused("v1:P1:o,1:f,junk", "unexpected bytes after the record");
        refused("v1:P2:o,1:f,", "overruns the value or lacks its closing ','");
        refused("v1:P01:o,1:f,", "leading zero");
        refused("v1:P99999999999:o,", "too long");
        refused("v1:P-1:o,1:f,", "not a length-prefixed field");
        refused("v1:C1:f,", "ends before the outcome kind");
        refused("v1:C1:f,Z1:x,", "unknown outcome kind 'Z'");
        refused("v1:C1:f,E1:x,", "the exception is not a length-prefixed field");
        refused("v1:C1:f,V1:x,2:yy,", "unexpected bytes");
        assertThatThrownBy(() -> RecordCodec.decode(new byte[] {'v', '1', ':', 'P', '1', ':', (byte) 0xff, ',', '1',
                ':', 'f', ','})).hasMessageContaining("not valid UTF-8");
    }

    @Test
    void aRealReplacementCharacterIsNotMistakenForBadUtf8() throws Exception {
        assertThat(RecordCodec.decode(RecordCodec.inProgress("\uFFFD", "f")).owner()).isEqualTo("\uFFFD");
    }

    private static void refused(String value, String reason) {
        assertThatThrownBy(() -> RecordCodec.decode(bytes(value))).as(value)
                .isInstanceOf(RecordCodec.MalformedRecordException.class).hasMessageContaining(reason);
    }
}
