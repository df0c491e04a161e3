package dev.idempotency.signature;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** RFC 9530's example body {"hello": "world"} and its published sha-256 and sha-512 digests. */
class SignatureContentDigestTest {

    private static final byte[] BODY = "{\"hello\": \"world\"}".getBytes(StandardCharsets.UTF_8);
    private static final String SHA256 = "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:";
    private static final String SHA512 = "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyea"
            + "ldVLvRwEmTHWXvJwew==:";

    @Test
    void generatesThePublishedSha256() {
        assertThat(ContentDigest.sha256(BODY)).isEqualTo(SHA256);
    }

    @Test
    void verifiesThePublishedValuesAndBoth() {
        assertThat(ContentDigest.check(SHA256, BODY)).isEqualTo(ContentDigest.Check.MATCH);
        assertThat(ContentDigest.check(SHA512, BODY)).isEqualTo(ContentDigest.Check.MATCH);
        assertThat(ContentDigest.check(SHA256 + ", " + SHA512, BODY)).isEqualTo(ContentDigest.Check.MATCH);
    }

    @Test
    void aChangedBodyOrOneWrongDigestAmongGoodOnesIsAMismatch() {
        byte[] other = "{\"hello\": \"World\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(ContentDigest.check(SHA256, other)).isEqualTo(ContentDigest.Check.MISMATCH);
        assertThat(ContentDigest.check(SHA512 + ", " + ContentDigest.sha256(other), BODY))
                .isEqualTo(ContentDigest.Check.MISMATCH);
    }

    @Test
    void unknownAlgorithmsAreIgnoredButNotEnoughOnTheirOwn() {
        assertThat(ContentDigest.check("sha3-256=:AAAA:, " + SHA256, BODY)).isEqualTo(ContentDigest.Check.MATCH);
        assertThat(ContentDigest.check("md5=:AAAAAAAAAAAAAAAAAAAAAA==:", BODY)).isEqualTo(ContentDigest.Check.UNUSABLE);
        assertThat(ContentDigest.check("sha-256=\"X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=\"", BODY))
                .isEqualTo(ContentDigest.Check.UNUSABLE);
        assertThat(ContentDigest.check("sha-256=:not base64!:", BODY)).isEqualTo(ContentDigest.Check.UNUSABLE);
    }
}
