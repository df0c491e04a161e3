package dev.idempotency.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.internal.IdempotencyEngine;
import dev.idempotency.testkit.SemanticsSuite;
import dev.idempotency.testkit.fixtures.ConformanceService;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;

/**
 * The contract's semantics through the real agent jar: this JVM is started with {@code -javaagent:idempotency-agent.jar}
 * (failsafe's argLine), the engine and its libraries come from that jar only (the build leaves their own jars off
 * the classpath), and the testkit's fixtures are the unwoven classes of the testkit jar.
 */
class AgentSemanticsIT extends SemanticsSuite {

    @BeforeAll
    static void theClassesUnderTestComeThroughTheAgentJar() throws Exception {
        Path agentJar = ForkedJvm.agentJar();
        assertThat(ManagementFactory.getRuntimeMXBean().getInputArguments())
                .contains("-javaagent:" + agentJar);
        assertThat(location(IdempotencyEngine.class)).as("the engine's origin").isEqualTo(agentJar);
        assertThat(location(ConformanceService.class).getFileName().toString()).startsWith("idempotency-testkit");
        // the runtime's libraries exist only relocated
        assertThatThrownBy(() -> Class.forName("com.fasterxml.jackson.databind.ObjectMapper"))
                .isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("net.bytebuddy.ByteBuddy")).isInstanceOf(ClassNotFoundException.class);
    }

    private static Path location(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
