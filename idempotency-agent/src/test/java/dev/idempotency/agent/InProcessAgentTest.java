package dev.idempotency.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.UUID;
import java.util.function.Function;
import dev.idempotency.testapp.HugeMethod;
import net.bytebuddy.agent.ByteBuddyAgent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's transformer in this JVM ({@code ByteBuddyAgent.install()}), on classes loaded after it by class loaders
 * of their own, as an application server or a Spring Boot jar would load them. The transformer is removed in
 * {@code finally}, which also restores the classes' original code.
 */
class InProcessAgentTest {

    private static final String LATE_SERVICE = "dev.idempotency.testapp.LateService";

    @BeforeEach
    void memoryStore() {
        Idempotency.configure(IdempotencyConfig.builder().storeUri("memory:").build());
    }

    @AfterEach
    void reset() {
        Idempotency.reset();
    }

    @Test
    void aChildLoadersClassIsInstrumentedRetransformableAndRestoredOnRemoval() throws Exception {
        Instrumentation inst = ByteBuddyAgent.install();
        TransformLog log = new TransformLog(false);
        AgentInstaller.Installation installation = AgentInstaller.install(inst, log, false);
        Class<?> type;
        Function<String, String> service;
        try {
            type = new ChildFirstLoader().loadClass(LATE_SERVICE);
            service = newService(type);
            assertThat(log.instrumented()).contains(LATE_SERVICE);
            String id = UUID.randomUUID().toString();
            assertThat(service.apply(id)).isEqualTo("late-1");
            assertThat(service.apply(id)).as("deduplicated, once: the bridge apply(Object) is not instrumented")
                    .isEqualTo("late-1");

            // another agent retransforming the class goes through the transformer again: only code changed, so it is legal
            inst.retransformClasses(type);
            assertThat(service.apply(id)).isEqualTo("late-1");
            assertThat(service.apply(UUID.randomUUID().toString())).isEqualTo("late-2");
        } finally {
            installation.close();
        }
        String id = UUID.randomUUID().toString();
        assertThat(service.apply(id) + "/" + service.apply(id)).as("the original code again").isEqualTo("late-3/late-4");
    }

    /** Every shape of method, through the plain-ASM weaver and through Byte Buddy: each runs once, then replays. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void methodsOfEveryShapeRunOnceAndReplayTheirResults(boolean byteBuddy) throws Exception {
        Instrumentation inst = ByteBuddyAgent.install();
        TransformLog log = new TransformLog(false);
        AgentInstaller.Installation installation = AgentInstaller.install(inst, log, false);
        if (byteBuddy) {
            System.setProperty(TestFailures.PROPERTY, TestFailures.INLINE);
        }
        try {
            Class<?> type = new ChildFirstLoader().loadClass("dev.idempotency.testapp.Shapes");
            assertThat(log.byByteBuddy.sum()).isEqualTo(byteBuddy ? 1 : 0);
            Function<String, String> shapes = newService(type);
            String id = "s" + UUID.randomUUID();
            String expected = "[" + (30 + 2 + id.length()) + ", 2.083333333333333, [" + id.length()
                    + ", 3], tried, caught inner, looped, 42, false, s] runs=";
            // nine of the ten methods are instance methods: runs counts them; the static one counts elsewhere
            assertThat(shapes.apply(id)).isEqualTo(expected + 9);
            assertThat(shapes.apply(id)).as("every one replayed").isEqualTo(expected + 9);
            assertThat(type.getField("counted").getInt(null)).isEqualTo(1);
        } finally {
            System.clearProperty(TestFailures.PROPERTY);
            installation.close();
        }
    }

    @Test
    void whatThePlainAsmWeaverLeavesToByteBuddyIsInstrumentedTheSameWay() throws Exception {
        Instrumentation inst = ByteBuddyAgent.install();
        TransformLog log = new TransformLog(false);
        AgentInstaller.Installation installation = AgentInstaller.install(inst, log, false);
        System.setProperty(TestFailures.PROPERTY, TestFailures.INLINE);
        try {
            Class<?> type = new ChildFirstLoader().loadClass(LATE_SERVICE);
            Function<String, String> service = newService(type);
            assertThat(log.byByteBuddy.sum()).as("woven by Byte Buddy").isEqualTo(1);
            assertThat(log.instrumented()).contains(LATE_SERVICE);
            String id = UUID.randomUUID().toString();
            assertThat(service.apply(id) + "/" + service.apply(id)).isEqualTo("late-1/late-1");
            inst.retransformClasses(type);
            assertThat(service.apply(id) + "/" + service.apply(UUID.randomUUID().toString())).isEqualTo("late-1/late-2");
        } finally {
            System.clearProperty(TestFailures.PROPERTY);
            installation.close();
        }
    }

    @Test
    void aClassWhoseLoaderCannotSeeTheAgentRefusesToRunRatherThanRunUnprotected() throws Exception {
        Instrumentation inst = ByteBuddyAgent.install();
        AgentInstaller.Installation installation = AgentInstaller.install(inst, new TransformLog(false), false);
        try {
            // an isolated loader: its own copy of the api, and no way to the system class loader's agent classes
            URL api = dev.idempotency.Idempotent.class.getProtectionDomain().getCodeSource().getLocation();
            try (URLClassLoader isolated = new URLClassLoader(new URL[] {api, testClasses()},
                    ClassLoader.getPlatformClassLoader())) {
                Function<String, String> service = newService(isolated.loadClass(LATE_SERVICE));
                // the exception the application catches: its own loader's copy of the api's
                assertThatThrownBy(() -> service.apply("k"))
                        .satisfies(e -> assertThat(e.getClass().getName())
                                .isEqualTo("dev.idempotency.IdempotencyConfigurationException"))
                        .hasMessageContaining("@Idempotent dev.idempotency.testapp.LateService.apply(java.lang.String)")
                        .hasMessageContaining("refuses to run");
                assertThat(service).extracting("runs").as("the body did not run").isEqualTo(0);
            }
        } finally {
            installation.close();
        }
    }

    @Test
    void aClassTheWeaverCannotRewriteRefusesToRunRatherThanRunUnprotected() throws Exception {
        Instrumentation inst = ByteBuddyAgent.install();
        AgentInstaller.Installation installation = AgentInstaller.install(inst, new TransformLog(false), false);
        try {
            // a real hostile class: the advice would push its method over the JVM's 64 KiB code limit
            assertThat(HugeMethod.callOnce())
                    .startsWith("threw dev.idempotency.IdempotencyConfigurationException: @Idempotent "
                            + "dev.idempotency.testapp.HugeMethod.apply(java.lang.String) refuses to run: the"
                            + " idempotency agent could not instrument its class")
                    .endsWith(" runs=0");
        } finally {
            installation.close();
        }
        assertThat(HugeMethod.callOnce()).as("without the agent, it runs").isEqualTo("ran ran runs=1");
    }

    @Test
    void aWeavingFailureOfAnyKindLeavesTheMethodRefusing() throws Exception {
        Instrumentation inst = ByteBuddyAgent.install();
        AgentInstaller.Installation installation = AgentInstaller.install(inst, new TransformLog(false), false);
        System.setProperty(TestFailures.PROPERTY, TestFailures.WEAVE);
        try {
            Class<?> type = new ChildFirstLoader().loadClass(LATE_SERVICE);
            Function<String, String> service = newService(type);
            assertThatThrownBy(() -> service.apply("k")).isInstanceOf(IdempotencyConfigurationException.class)
                    .hasMessageContaining("@Idempotent dev.idempotency.testapp.LateService.apply(java.lang.String)"
                            + " refuses to run: the idempotency agent could not instrument its class")
                    .hasMessageContaining("failure injected at 'weave'");
            assertThat(service).extracting("runs").as("the body did not run").isEqualTo(0);
        } finally {
            System.clearProperty(TestFailures.PROPERTY);
            installation.close();
        }
    }

    @SuppressWarnings("unchecked")
    private static Function<String, String> newService(Class<?> type) throws ReflectiveOperationException {
        return (Function<String, String>) type.getConstructor().newInstance();
    }

    private static URL testClasses() throws Exception {
        return Path.of(InProcessAgentTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toUri().toURL();
    }

    /** Defines the test application's classes itself (a new class each time); everything else comes from its parent. */
    private static final class ChildFirstLoader extends ClassLoader {
        ChildFirstLoader() {
            super("child-first", ClassLoader.getSystemClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("dev.idempotency.testapp.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                        byte[] bytes = in.readAllBytes();
                        loaded = defineClass(name, bytes, 0, bytes.length);
                    } catch (IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
                return loaded;
            }
        }
    }
}
