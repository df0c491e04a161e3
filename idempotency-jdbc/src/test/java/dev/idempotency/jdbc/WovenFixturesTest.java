package dev.idempotency.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.core.Idempotency;
import dev.idempotency.testkit.fixtures.ConformanceService;
import org.junit.jupiter.api.Test;

/**
 * Several tests here call the testkit's {@link ConformanceService}: they mean something only if its methods go through
 * the engine, which this module's build arranges by weaving the testkit jar into its test classes. Without that,
 * they would fail on a clean build with a replay that ran twice and no word of why.
 */
class WovenFixturesTest {

    @Test
    void theTestkitFixturesAreWovenIntoThisModulesTests() throws Exception {
        assertThat(Idempotency.isProtected(ConformanceService.class.getMethod("text", String.class, String.class)))
                .as("ConformanceService is woven (weaveDependencies: idempotency-testkit in idempotency-jdbc/pom.xml)")
                .isTrue();
    }
}
