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
                            || p.contains("idempotency-api") || p.contains("idempotency-signature") || p.contains("jackson") || p.contains("caffeine")
                            || p.contains("jspecify") || p.contains("error_prone") || p.contains("jakarta.servlet-api");
                })
                .collect(Collectors.joining(File.pathSeparator));
    }

    /**
     * Route mode stores its record of a response as JSON through the engine: on the module path Jackson must be able
     * to read it (the module opens its package to Jackson). The container is stood in for by proxies here; the HTTP
     * behaviour itself is tested over real sockets in {@link RouteModeTest}.
     */
    @Test
    void routeModeRecordsAndReplaysOnTheModulePath() throws Exception {
        String source = """
                package shop;

                import dev.idempotency.core.IdempotencyConfig;
                import dev.idempotency.core.IdempotencyRuntime;
                import dev.idempotency.servlet.IdempotencyFilter;
                import jakarta.servlet.FilterChain;
                import jakarta.servlet.ReadListener;
                import jakarta.servlet.ServletInputStream;
                import jakarta.servlet.ServletOutputStream;
                import jakarta.servlet.WriteListener;
                import jakarta.servlet.http.HttpServletRequest;
                import jakarta.servlet.http.HttpServletResponse;
                import java.io.ByteArrayInputStream;
                import java.io.ByteArrayOutputStream;
                import java.lang.reflect.Proxy;
                import java.util.ArrayList;
                import java.util.Collections;
                import java.util.List;
                import java.util.Map;
                import java.util.TreeMap;

                public class Route {
                    public static void main(String[] args) throws Exception {
                        IdempotencyRuntime runtime = IdempotencyRuntime.create(IdempotencyConfig.builder().build());
                        IdempotencyFilter filter = IdempotencyFilter.builder().runtime(runtime).routes("POST /api/**")
                                .build();
                        int[] runs = {0};
                        FilterChain chain = (req, res) -> {
                            runs[0]++;
                            HttpServletResponse r = (HttpServletResponse) res;
                            r.setStatus(201);
                            r.setHeader("Location", "/api/orders/1");
                            r.getOutputStream().write(("created " + new String(req.getInputStream().readAllBytes()))
                                    .getBytes());
                        };
                        for (int i = 0; i < 2; i++) {
                            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                            int[] status = {200};
                            ByteArrayOutputStream body = new ByteArrayOutputStream();
                            filter.doFilter(request("order 7".getBytes()), response(status, headers, body), chain);
                            System.out.println("answer " + status[0] + " " + headers.get("Location") + " "
                                    + headers.get("Idempotent-Replayed") + " " + body + " runs=" + runs[0]);
                        }
                        runtime.close();
                    }

                    static HttpServletRequest request(byte[] bytes) {
                        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
                        ServletInputStream stream = new ServletInputStream() {
                            public int read() { return in.read(); }
                            public boolean isFinished() { return in.available() == 0; }
                            public boolean isReady() { return true; }
                            public void setReadListener(ReadListener l) { }
                        };
                        return (HttpServletRequest) Proxy.newProxyInstance(Route.class.getClassLoader(),
                                new Class<?>[] {HttpServletRequest.class}, (proxy, m, a) -> switch (m.getName()) {
                                    case "getMethod" -> "POST";
                                    case "getServletPath" -> "/api/orders";
                                    case "getHeaders" -> ((String) a[0]).equalsIgnoreCase("Idempotency-Key")
                                            ? Collections.enumeration(List.of("k-1")) : Collections.emptyEnumeration();
                                    case "getContentLengthLong" -> (long) bytes.length;
                                    case "getContentLength" -> bytes.length;
                                    case "getInputStream" -> stream;
                                    default -> m.getReturnType() == boolean.class ? false : null;
                                });
                    }

                    static HttpServletResponse response(int[] status, Map<String, List<String>> headers,
                                                        ByteArrayOutputStream body) {
                        ServletOutputStream stream = new ServletOutputStream() {
                            public void write(int b) { body.write(b); }
                            public boolean isReady() { return true; }
                            public void setWriteListener(WriteListener l) { }
                        };
                        return (HttpServletResponse) Proxy.newProxyInstance(Route.class.getClassLoader(),
                                new Class<?>[] {HttpServletResponse.class}, (proxy, m, a) -> switch (m.getName()) {
                                    case "setStatus" -> { status[0] = (Integer) a[0]; yield null; }
                                    case "getStatus" -> status[0];
                                    case "setHeader" -> { headers.put((String) a[0], new ArrayList<>(List.of((String) a[1]))); yield null; }
                                    case "addHeader" -> { headers.computeIfAbsent((String) a[0], k -> new ArrayList<>()).add((String) a[1]); yield null; }
                                    case "getHeaderNames" -> new ArrayList<>(headers.keySet());
                                    case "getHeaders" -> headers.getOrDefault((String) a[0], List.of());
                                    case "getCharacterEncoding" -> "ISO-8859-1";
                                    case "getOutputStream" -> stream;
                                    case "resetBuffer" -> { body.reset(); yield null; }
                                    default -> m.getReturnType() == boolean.class ? false : null;
                                });
                    }
                }
                """;
        String output = compileAndRun("Route", source);
        assertThat(output)
                .contains("answer 201 [/api/orders/1] null created order 7 runs=1")
                .contains("answer 201 [/api/orders/1] [true] created order 7 runs=1");
    }

    @Test
    void anApplicationModuleRequiringOnlyTheServletModuleCompilesAndRuns() throws Exception {
        String output = compileAndRun("Main", """
                package shop;

                public class Main {
                    public static void main(String[] args) {
                        jakarta.servlet.Filter filter = new dev.idempotency.servlet.IdempotencyFilter();
                        System.out.println(filter.getClass().getModule().getName() + " "
                                + dev.idempotency.servlet.IdempotencyFilter.REPLAYED_HEADER);
                    }
                }
                """);
        assertThat(output).contains("dev.idempotency.servlet Idempotent-Replayed");
    }

    /** Compiles the class into a module {@code shop} that requires only the servlet module; runs it; its output. */
    private String compileAndRun(String className, String source) throws Exception {
        Path src = dir.resolve("src");
        Files.createDirectories(src.resolve("shop"));
        Files.writeString(src.resolve("module-info.java"), "module shop { requires dev.idempotency.servlet; }");
        Path file = src.resolve("shop/" + className + ".java");
        Files.writeString(file, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter errors = new StringWriter();
        Path classes = dir.resolve("out");
        boolean compiled = javac.getTask(errors, null, null, List.of("--module-path", modulePath(), "-d",
                classes.toString()), null, javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)
                .getJavaFileObjects(src.resolve("module-info.java"), file)).call();
        assertThat(compiled).as("compiles on the module path: %s", errors).isTrue();

        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", modulePath() + File.pathSeparator + classes, "-m", "shop/shop." + className);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s ends", command).isTrue();
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
