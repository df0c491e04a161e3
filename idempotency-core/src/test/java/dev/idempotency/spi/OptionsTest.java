package dev.idempotency.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void oneDurationSyntaxUnitsOrIso() {
        assertThat(Options.duration("x", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Options.duration("x", " 30s ")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Options.duration("x", "10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Options.duration("x", "24h")).isEqualTo(Duration.ofHours(24));
        assertThat(Options.duration("x", "7d")).isEqualTo(Duration.ofDays(7));
        assertThat(Options.duration("x", "PT1M30S")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Options.duration("x", "pt2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(Options.duration("x", "P1D")).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void whatCannotBeReadWithoutGuessingIsRefusedNamingTheSettingAndTheValue() {
        for (String bad : new String[] {"10", "", " ", "10 m", "10M", "1.5s", "-5s", "10mins", "PT", "P1Y", "ms",
                "9999999999999d", "1e3ms", "\u0661\u0660s"}) {
            assertThatThrownBy(() -> Options.duration("lease", bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("lease must be a duration such as 500ms, 30s, 10m, 24h or PT10M, but was '" + bad + "'");
        }
        assertThatThrownBy(() -> Options.duration("lease", null)).hasMessageEndingWith("but was null");
        assertThatThrownBy(() -> Options.positiveDuration("ttl", "0s")).hasMessage("ttl must be at least 1ms, but was '0s'");
        assertThatThrownBy(() -> Options.positiveDuration("ttl", "PT-1S")).hasMessage("ttl must be at least 1ms, but was 'PT-1S'");
        assertThat(Options.positiveDuration("ttl", "1ms")).isEqualTo(Duration.ofMillis(1));
    }

    @Test
    void booleansAreTrueOrFalseAndNothingElse() {
        assertThat(Options.bool("failOpen", "TRUE")).isTrue();
        assertThat(Options.bool("failOpen", " false ")).isFalse();
        for (String bad : new String[] {"yes", "1", "on", "", "tru"}) {
            assertThatThrownBy(() -> Options.bool("failOpen", bad)).as(bad)
                    .hasMessage("failOpen must be true or false, but was '" + bad + "'");
        }
        assertThatThrownBy(() -> Options.integer("poolSize", "8x")).hasMessage("poolSize must be a whole number, but was '8x'");
        assertThat(Options.integer("poolSize", " 8 ")).isEqualTo(8);
    }

    @Test
    void sizesAreBytesOrBinaryUnitsAndKbMeansKib() {
        assertThat(Options.size("maxBodySize", "1048576")).isEqualTo(1_048_576);
        assertThat(Options.size("maxBodySize", " 512KB ")).isEqualTo(512 * 1024);
        assertThat(Options.size("maxBodySize", "512kib")).isEqualTo(512 * 1024);
        assertThat(Options.size("maxBodySize", "1MB")).isEqualTo(1 << 20);
        assertThat(Options.size("maxBodySize", "1 MiB")).isEqualTo(1 << 20);
        assertThat(Options.size("maxBodySize", "2GiB")).isEqualTo(2L << 30);
        assertThat(Options.size("maxBodySize", "7B")).isEqualTo(7);
        assertThat(Options.size("maxBodySize", "0")).isZero();
        for (String bad : new String[] {"", "MB", "1.5MB", "-1", "1TB", "1 M", "10mbytes", "9999999999999999",
                "\u0661MB"}) {
            assertThatThrownBy(() -> Options.size("maxBodySize", bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("maxBodySize must be a size such as 1048576, 512KB or 1MB, but was '" + bad + "'");
        }
        assertThatThrownBy(() -> Options.size("maxBodySize", null)).hasMessageEndingWith("but was null");
    }

    @Test
    void sha256IsTheStandardOneAndTheThreadDigestIsResetEachTime() {
        java.security.MessageDigest digest = Sha256.digest();
        digest.update((byte) 1); // left unfinished
        assertThat(java.util.HexFormat.of().formatHex(Sha256.of("abc".getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
