package dev.idempotency.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.testapp.NamesTheAspect;
import dev.idempotency.testkit.fixtures.ConformanceService;
import dev.idempotency.testkit.fixtures.Types;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class ClassFileScanTest {

    @Test
    void findsTheAnnotationInTheConstantPool() throws IOException {
        assertThat(ClassFileScan.scan(bytes(ConformanceService.class))).isEqualTo(ClassFileScan.NAMES_IDEMPOTENT);
        assertThat(ClassFileScan.scan(bytes(Types.Receipt.class))).isZero();
        assertThat(ClassFileScan.scan(bytes(String.class))).isZero();
    }

    @Test
    void tellsClassesWovenByTheAspect() throws IOException {
        assertThat(ClassFileScan.scan(bytes(NamesTheAspect.class)))
                .isEqualTo(ClassFileScan.NAMES_IDEMPOTENT | ClassFileScan.WOVEN_BY_ASPECT);
    }

    @Test
    void leavesWhatItCannotReadToByteBuddy() {
        assertThat(ClassFileScan.scan(new byte[] {1, 2, 3})).isEqualTo(ClassFileScan.NAMES_IDEMPOTENT);
        assertThat(ClassFileScan.scan(new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, 61, 0, 9, 1}))
                .isEqualTo(ClassFileScan.NAMES_IDEMPOTENT);
    }

    @Test
    void ignoresTheJdkTheLibraryAndWellKnownLibrariesButNotApplications() {
        assertThat(IgnoredPackages.ignores("java/lang/String")).isTrue();
        assertThat(IgnoredPackages.ignores("org/springframework/web/servlet/DispatcherServlet")).isTrue();
        assertThat(IgnoredPackages.ignores("dev/idempotency/internal/IdempotencyEngine")).isTrue();
        assertThat(IgnoredPackages.ignores("dev/idempotency/shaded/jackson/databind/ObjectMapper")).isTrue();
        assertThat(IgnoredPackages.ignores("dev/idempotency/Idempotent")).isTrue();
        assertThat(IgnoredPackages.ignores("dev/idempotency/testkit/fixtures/ConformanceService")).isFalse();
        assertThat(IgnoredPackages.ignores("dev/idempotency/examples/springboot/TransferService")).isFalse();
        assertThat(IgnoredPackages.ignores("dev/idempotency/agentprobe/X")).isFalse();
        assertThat(IgnoredPackages.ignores("com/acme/TransferService")).isFalse();
    }

    private static byte[] bytes(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream(type.getName().substring(type.getName().lastIndexOf('.') + 1) + ".class")) {
            return in.readAllBytes();
        }
    }
}
