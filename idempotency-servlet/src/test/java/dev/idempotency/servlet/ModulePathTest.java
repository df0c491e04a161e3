package dev.idempotency.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application module that requires only {@code dev.idempotency.servlet} compiles and runs on the module path: the
 * Servlet API comes with it (the filter is a {@code jakarta.servlet.Filter}), and so does the runtime.
 */
class ModulePathTest {

    @TempDir
    Path dir;

    private static String modulePath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> {
                    String p = e.replace('\\', '/');
                    return p.endsWith("idempotency-servlet/target/classes") || (p.contains("idempotency-core") && !p.contains("test-classes"))
                            || p.contains("idempotency-api") || p.contains("jackson") || p.contains("caffeine")
                            || p.contains("jspecify") || p.contains("error_prone") || p.contains("jakarta.servlet-api");
                })
                .collect(Collectors.joining(File.pathSeparator));
    }

    @Test
    void anApplicationModuleRequiringOnlyTheServletModuleCompilesAndRuns() throws Exception {
        Path src = dir.resolve("src");
        Files.createDirectories(src.resolve("shop"));
        Files.writeString(src.resolve("module-info.java"), "module shop { requires dev.idempotency.servlet; }");
        Files.writeString(src.resolve("shop/Main.java"), """
                package shop;

                public class Main {
                    public static void main(String[] args) {
                        jakarta.servlet.Filter filter = new dev.idempotency.servlet.IdempotencyFilter();
                        System.out.println(filter.getClass().getModule().getName() + " "
                                + dev.idempotency.servlet.IdempotencyFilter.REPLAYED_HEADER);
                    }
                }
                """);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        Path classes = dir.resolve("out");
        boolean compiled = javac.getTask(errors, null, null, List.of("--module-path", modulePath(), "-d",
                classes.toString()), null, javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)
                .getJavaFileObjects(src.resolve("module-info.java"), src.resolve("shop/Main.java"))).call();
        assertThat(compiled).as("compiles on the module path: %s", errors).isTrue();

        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", modulePath() + File.pathSeparator + classes, "-m", "shop/shop.Main");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(output).as("output of %s", command).contains("dev.idempotency.servlet Idempotent-Replayed");
    }
}
