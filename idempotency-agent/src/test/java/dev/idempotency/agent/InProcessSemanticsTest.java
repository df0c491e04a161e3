package dev.idempotency.agent;

import dev.idempotency.testkit.SemanticsSuite;
import net.bytebuddy.agent.ByteBuddyAgent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Quick feedback: the contract's semantics through the agent's transformer installed into this JVM
 * ({@code ByteBuddyAgent.install()}), on the testkit's unwoven fixtures. The forked {@code AgentSemanticsIT} runs the
 * same suite with the real agent jar.
 */
class InProcessSemanticsTest extends SemanticsSuite {

    private static AgentInstaller.Installation installation;

    @BeforeAll
    static void installAgent() {
        installation = AgentInstaller.install(ByteBuddyAgent.install(), new TransformLog(false), true);
    }

    @AfterAll
    static void removeAgent() {
        if (installation != null) {
            installation.close();
        }
    }
}
