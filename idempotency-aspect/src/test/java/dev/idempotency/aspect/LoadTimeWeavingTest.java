package dev.idempotency.aspect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Load-time weaving through this module's META-INF/aop.xml: a forked JVM with the AspectJ weaver agent runs the
 * testkit's fixtures from their unwoven jar.
 */
class LoadTimeWeavingTest {

    @Test
    void aopXmlWeavesUnwovenClassesAtLoadTime() throws Exception {
        String[] entries = System.getProperty("java.class.path").split(File.pathSeparator);
        String weaver = Arrays.stream(entries).filter(e -> new File(e).getName().startsWith("aspectjweaver"))
                .findFirst().orElseThrow(() -> new AssertionError("aspectjweaver is not on the test classpath"));
        // everything but this module's woven test classes: the fixtures come unwoven from the testkit
        String classpath = Arrays.stream(entries).filter(e -> !e.endsWith("test-classes"))
                .collect(Collectors.joining(File.pathSeparator));
        assertThat(classpath).contains("idempotency-testkit");

        assertThat(run(classpath, "-javaagent:" + weaver)).contains("runs=1 same=true reuse=IdempotencyKeyReuseException");
        // without the weaver the same classes are plain: the check can fail
        assertThat(run(classpath, null)).contains("runs=3 same=false reuse=ran");
    }

    private static String run(String classpath, String agent) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        if (agent != null) {
            command.add(agent);
        }
        command.addAll(List.of("-cp", classpath, "dev.idempotency.testkit.RouteProbe"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the forked JVM finished").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
