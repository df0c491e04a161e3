package dev.idempotency.matrix;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.internal.IdempotencyEngine;
import dev.idempotency.bridge.Protection;
import dev.idempotency.testkit.fixtures.ConformanceService;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The route an execution of the grid claims to be (system property {@code matrix.route}, set by the build), and the
 * proof that it is: a misconfigured execution must fail at its start, never run the suite on unprotected fixtures or
 * on other classes than the ones it names.
 */
enum Route {
    /** The testkit's classes woven by this module's build (aspectLibraries), no agent of any kind. */
    COMPILE_TIME_WEAVING("compile-time-weaving"),
    /** The unwoven testkit jar, woven as it loads by {@code -javaagent:aspectjweaver.jar} and the aspect's aop.xml. */
    LOAD_TIME_WEAVING("load-time-weaving"),
    /** The unwoven testkit jar, instrumented by {@code -javaagent:idempotency-agent.jar}, the engine and stores in it. */
    AGENT("agent");

    private static final String FIXTURE = "dev/idempotency/testkit/fixtures/ConformanceService.class";

    final String id;

    Route(String id) {
        this.id = id;
    }

    static Route current() {
        String id = System.getProperty("matrix.route");
        for (Route route : values()) {
            if (route.id.equals(id)) {
                return route;
            }
        }
        throw new AssertionError("matrix.route is '" + id + "', not one of compile-time-weaving, load-time-weaving,"
                + " agent: run the grid through its build (mvn -o verify -pl idempotency-matrix -am), which sets up"
                + " each route's JVM");
    }

    /** Fails unless this JVM is set up as the route says. */
    void prove() throws Exception {
        List<String> jvmArguments = ManagementFactory.getRuntimeMXBean().getInputArguments();
        String text = ConformanceService.class.getMethod("text", String.class, String.class).toString();
        Path fixtureOrigin = location(ConformanceService.class);
        switch (this) {
            case COMPILE_TIME_WEAVING -> {
                assertThat(jvmArguments).as("no agent of any kind").noneMatch(a -> a.startsWith("-javaagent"));
                assertThat(fixtureOrigin).as("the fixtures' origin").isEqualTo(Path.of(property("matrix.woven")));
                assertThat(fixtureBytesOnDisk()).as("the fixture's class file, woven by the build")
                        .contains("_aroundBody").contains("org/aspectj/runtime");
                assertThat(protection()).as("how " + text + " is protected").isEqualTo("woven");
            }
            case LOAD_TIME_WEAVING -> {
                assertThat(jvmArguments).contains("-javaagent:" + property("matrix.weaver.jar"));
                assertUnwovenTestkitJar(fixtureOrigin);
                assertThat(protection()).as("how " + text + " is protected").isEqualTo("woven");
            }
            case AGENT -> {
                Path agentJar = Path.of(property("matrix.agent.jar"));
                assertThat(jvmArguments).contains("-javaagent:" + agentJar);
                assertThat(location(IdempotencyEngine.class)).as("the engine's origin").isEqualTo(agentJar);
                assertUnwovenTestkitJar(fixtureOrigin);
                List<String> visible = Stream.of("com.fasterxml.jackson.databind.ObjectMapper",
                        "net.bytebuddy.ByteBuddy", "redis.clients.jedis.Jedis", "com.zaxxer.hikari.HikariDataSource",
                        "com.github.benmanes.caffeine.cache.Caffeine", "org.aspectj.lang.JoinPoint")
                        .filter(Route::loadable).toList();
                assertThat(visible).as("libraries outside the agent jar (the agent's copies are relocated)").isEmpty();
                assertThat(protection()).as("how " + text + " is protected").isEqualTo("instrumented");
            }
        }
    }

    /** Where the store's classes must come from on this route, or null where any jar will do. */
    Path storeOrigin() {
        return this == AGENT ? Path.of(property("matrix.agent.jar")) : null;
    }

    private static void assertUnwovenTestkitJar(Path fixtureOrigin) throws IOException {
        assertThat(fixtureOrigin.getFileName().toString()).as("the fixtures' origin").startsWith("idempotency-testkit")
                .endsWith(".jar");
        assertThat(fixtureBytesOnDisk()).as("the fixture's class file, as the build left it")
                .doesNotContain("_aroundBody").doesNotContain("org/aspectj");
    }

    private static String protection() throws NoSuchMethodException {
        return Protection.of(ConformanceService.class.getMethod("text", String.class, String.class));
    }

    /** The fixture's class file as stored, before any agent transformed it (Latin-1: every byte one char). */
    private static String fixtureBytesOnDisk() throws IOException {
        try (InputStream in = ConformanceService.class.getClassLoader().getResourceAsStream(FIXTURE)) {
            assertThat(in).as(FIXTURE).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static boolean loadable(String className) {
        try {
            Class.forName(className, false, Route.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    static Path location(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank() || value.contains("${")) {
            throw new AssertionError("system property " + name + " is '" + value + "': the build sets it per route");
        }
        return value;
    }
}
