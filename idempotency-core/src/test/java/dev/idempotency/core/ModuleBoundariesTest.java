package dev.idempotency.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The boundaries as an application on the module path meets them: it compiles and runs against the exported API, and
 * the compiler refuses code that reaches into the runtime's internals or its bridge for woven code.
 */
class ModuleBoundariesTest {

    @TempDir
    Path dir;

    /** The runtime's module and what it requires, from this test's class path. */
    private static String modulePath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> e.contains("idempotency-api") || e.replace('\\', '/').endsWith("idempotency-core/target/classes")
                        || e.contains("jackson") || e.contains("caffeine") || e.contains("jspecify")
                        || e.contains("error_prone"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    private String compile(String module, String moduleInfo, String className, String source) throws Exception {
        Path src = dir.resolve("src").resolve(module);
        Files.createDirectories(src.resolve(className.substring(0, className.lastIndexOf('.')).replace('.', '/')));
        Files.writeString(src.resolve("module-info.java"), moduleInfo);
        Path file = src.resolve(className.replace('.', '/') + ".java");
        Files.writeString(file, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter out = new StringWriter();
        Path classes = dir.resolve("out").resolve(module);
        boolean ok = javac.getTask(out, null, null, List.of("--module-path", modulePath(), "-d", classes.toString()),
                null, javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)
                        .getJavaFileObjects(src.resolve("module-info.java"), file)).call();
        return ok ? null : out.toString();
    }

    @Test
    void anApplicationModuleRunsACallThroughTheExportedApi() throws Exception {
        String error = compile("shop", """
                module shop {
                    requires dev.idempotency.core;
                    opens shop to dev.idempotency.core, com.fasterxml.jackson.databind;
                }
                """, "shop.Main", """
                package shop;

                import dev.idempotency.core.IdempotencyConfig;
                import dev.idempotency.core.IdempotencyRuntime;
                import dev.idempotency.memory.MemoryStore;
                import java.util.concurrent.atomic.AtomicInteger;

                public class Main {
                    public record Receipt(String id, long cents) {}
                    public record Transfer(String id, long cents) {}

                    public static void main(String[] args) {
                        AtomicInteger runs = new AtomicInteger();
                        try (IdempotencyRuntime runtime = IdempotencyRuntime.create(IdempotencyConfig.builder()
                                .store(new MemoryStore(java.time.Clock.systemUTC(), 100)).build())) {
                            Transfer transfer = new Transfer("t-1", 500);
                            Receipt first = runtime.call("shop.transfer", transfer.id(), Receipt.class).payload(transfer)
                                    .run(() -> new Receipt("r-" + runs.incrementAndGet(), transfer.cents()));
                            Receipt again = runtime.call("shop.transfer", transfer.id(), Receipt.class).payload(transfer)
                                    .run(() -> new Receipt("r-" + runs.incrementAndGet(), transfer.cents()));
                            String hash = dev.idempotency.IdempotencyKeys.contentHash(transfer);
                            System.out.println("runs=" + runs.get() + " same=" + first.equals(again) + " module="
                                    + IdempotencyRuntime.class.getModule().getName() + " hash=" + hash.length()
                                    + " v7=" + dev.idempotency.IdempotencyKeys.uuidV7().charAt(14));
                        }
                    }
                }
                """);
        assertThat(error).as("compiles on the module path").isNull();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", modulePath() + File.pathSeparator + dir.resolve("out").resolve("shop"),
                "-m", "shop/shop.Main"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(output).as("output of %s", command).contains("runs=1 same=true module=dev.idempotency.core hash=43 v7=7");
    }

    @Test
    void theCompilerRefusesTheInternalsAndTheBridgeToAnApplication() throws Exception {
        String internal = compile("peek", "module peek { requires dev.idempotency.core; }", "peek.Peek", """
                package peek;
                public class Peek {
                    Object engine = dev.idempotency.internal.IdempotencyEngine.class;
                }
                """);
        assertThat(internal).contains("dev.idempotency.internal").contains("not visible");
        String bridge = compile("reach", "module reach { requires dev.idempotency.core; }", "reach.Reach", """
                package reach;
                public class Reach {
                    Object process = dev.idempotency.bridge.ProcessRuntime.class;
                }
                """);
        assertThat(bridge).contains("dev.idempotency.bridge").contains("not visible");
    }
}
