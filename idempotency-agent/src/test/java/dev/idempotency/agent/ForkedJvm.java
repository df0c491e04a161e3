package dev.idempotency.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Starts {@link dev.idempotency.testapp.ProbeApp} in a JVM of its own, on the same JDK as this test, with a classpath
 * of the api jar, the testkit jar and the test classes only: an application that compiled against idempotency-api.
 */
final class ForkedJvm {

    private ForkedJvm() {
    }

    /** The agent jar under test, as the build passes it (failsafe's systemPropertyVariables). */
    static Path agentJar() {
        String jar = System.getProperty("idempotency.agent.jar", "target/idempotency-agent.jar");
        Path path = Path.of(jar).toAbsolutePath();
        assertThat(path).as("the agent jar (run the integration tests after package)").isRegularFile();
        return path;
    }

    static String java() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }

    /** The application's classpath: api, testkit fixtures, the test classes (ProbeApp), and nothing of the runtime. */
    static String applicationClasspath() {
        List<String> entries = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
        List<String> picked = new ArrayList<>();
        for (String entry : entries) {
            String name = Path.of(entry).getFileName().toString();
            if (name.startsWith("idempotency-api") || name.startsWith("idempotency-testkit")
                    || entry.endsWith("test-classes")) {
                picked.add(entry);
            }
        }
        assertThat(picked).as("api, testkit and test classes on " + entries).hasSize(3);
        return String.join(File.pathSeparator, picked);
    }

    static List<String> command(List<String> jvmArgs, String... programArgs) {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(jvmArgs);
        if (!jvmArgs.contains("-cp")) {
            command.add("-cp");
            command.add(applicationClasspath());
        }
        command.add("dev.idempotency.testapp.ProbeApp");
        command.addAll(Arrays.asList(programArgs));
        return command;
    }

    /** Runs to the end (60 s at most); returns stdout and stderr interleaved as written. */
    static String run(List<String> jvmArgs, String... programArgs) {
        try {
            Path output = Files.createTempFile("probe", ".log");
            try {
                Process process = new ProcessBuilder(command(jvmArgs, programArgs))
                        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
                try {
                    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the forked JVM finished").isTrue();
                } finally {
                    process.destroyForcibly();
                }
                String text = Files.readString(output, StandardCharsets.UTF_8);
                assertThat(process.exitValue()).as(text).isZero();
                return text;
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String withAgent(String agentArguments, List<String> moreJvmArgs, String... programArgs) {
        List<String> jvmArgs = new ArrayList<>();
        jvmArgs.add("-javaagent:" + agentJar() + (agentArguments == null ? "" : "=" + agentArguments));
        jvmArgs.addAll(moreJvmArgs);
        return run(jvmArgs, programArgs);
    }

    /** JVM arguments giving the application its own Jackson (annotations, databind, core) besides its classpath. */
    static List<String> withApplicationJackson() {
        String jars = System.getProperty("app.jackson.jars");
        assertThat(jars).as("the application's Jackson jars (failsafe's systemPropertyVariables)").isNotBlank();
        return List.of("-cp", applicationClasspath() + File.pathSeparator + jars);
    }

    /** The agent's own lines in an output. */
    static List<String> agentLines(String output) {
        return output.lines().filter(l -> l.startsWith(AgentOutput.PREFIX)).collect(Collectors.toList());
    }
}
