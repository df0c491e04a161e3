package dev.idempotency.testapp.startup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Measures what the agent adds to the start-up of the smallest application, {@link TinyApp} (one class with an
 * {@code @Idempotent} method, called once, then exit; the result a {@code String}, the store {@code memory:}): the wall time from starting the JVM to its exit, without an
 * agent, with an agent that does nothing ({@link NoOpAgent}), and with the idempotency agent, the variants alternating
 * run by run (the first of each round rotating), after one warm-up round. Then one more run of each with
 * {@code -Xlog:class+load} counts the classes each loads, by library. Builds nothing: it takes the agent jar and the
 * api jar, and packs {@link TinyApp}'s classes from its own class path into a jar, so that the application's class
 * path is that jar and the api jar only. Not a test:
 *
 * <pre>java -cp idempotency-agent/target/test-classes dev.idempotency.testapp.startup.AgentStartupTimer \
 *      idempotency-agent/target/idempotency-agent.jar idempotency-api/target/idempotency-api-0.1.0-SNAPSHOT.jar 9 \
 *      [--also 'name=-Dsome.option=value -Danother=...'] [--cds]</pre>
 *
 * {@code --also} adds a variant: the idempotency agent with more JVM options, or another agent jar if they name one
 * ({@code --also 'previous=-javaagent:old/idempotency-agent.jar'}). {@code --cds} adds the plain program and
 * the agent each with an AppCDS archive of its own, made by one run with {@code -XX:ArchiveClassesAtExit} first, and
 * the agent with its jar on the class path too (the agent's own classes are archived only from there), without and
 * with an archive.
 */
public final class AgentStartupTimer {

    private static final String EXPECTED = "hello tiny-1 runs=1";
    /** Not a JVM option: a jar to put at the end of the class path. */
    private static final String APPEND_CP = "append-to-class-path:";

    private AgentStartupTimer() {
    }

    public static void main(String[] args) throws Exception {
        Path agent = Path.of(args[0]).toAbsolutePath();
        Path api = Path.of(args[1]).toAbsolutePath();
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 9;
        Path work = Files.createTempDirectory("agent-startup");
        Path app = tinyAppJar(work.resolve("tiny-app.jar"));
        Path noOp = noOpAgentJar(work.resolve("noop-agent.jar"));
        String classpath = app + java.io.File.pathSeparator + api;

        Map<String, List<String>> variants = new LinkedHashMap<>();
        variants.put("no agent", List.of());
        variants.put("no-op agent", List.of("-javaagent:" + noOp));
        variants.put("idempotency agent", List.of("-javaagent:" + agent));
        boolean cds = false;
        for (int i = 3; i < args.length; i++) {
            if (args[i].equals("--cds")) {
                cds = true;
            } else if (args[i].equals("--also")) {
                String spec = args[++i];
                int eq = spec.indexOf('=');
                List<String> options = new ArrayList<>(List.of(spec.substring(eq + 1).trim().split("\\s+")));
                if (options.stream().noneMatch(o -> o.startsWith("-javaagent:"))) {
                    options.add(0, "-javaagent:" + agent);
                }
                variants.put(spec.substring(0, eq).trim(), options);
            } else {
                throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (cds) {
            // the agent's own classes are archived only from a class path entry, not from the -javaagent jar itself
            variants.put("agent, also on -cp", List.of("-javaagent:" + agent, APPEND_CP + agent));
            for (String base : List.of("no agent", "idempotency agent", "agent, also on -cp")) {
                Path archive = work.resolve(base.replace(' ', '-') + ".jsa");
                List<String> options = new ArrayList<>(variants.get(base));
                if (!options.isEmpty()) {
                    // Java 17 archives classes with an agent running only when told so, by a diagnostic option that
                    // the archive records and every run that uses it must repeat; the transformed classes stay out
                    options.addAll(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:+AllowArchivingWithJavaAgent"));
                }
                List<String> dump = new ArrayList<>(options);
                dump.add("-XX:ArchiveClassesAtExit=" + archive);
                run(dump, classpath, work.resolve("dump.log"), null);
                List<String> use = new ArrayList<>(options);
                use.add("-Xshare:on"); // fail rather than run without the archive
                use.add("-XX:SharedArchiveFile=" + archive);
                variants.put(base + ", AppCDS", use);
            }
        }

        System.out.printf("%d runs of each variant, alternating; Java %s; load average at the start %s%n", runs,
                Runtime.version(), loadAverage());
        List<String> names = new ArrayList<>(variants.keySet());
        for (String name : names) {
            run(variants.get(name), classpath, work.resolve("warm-up.log"), null); // a warm file cache for each
        }
        Map<String, List<Double>> times = new LinkedHashMap<>();
        names.forEach(name -> times.put(name, new ArrayList<>()));
        for (int round = 0; round < runs; round++) {
            for (int k = 0; k < names.size(); k++) {
                String name = names.get((round + k) % names.size());
                times.get(name).add(run(variants.get(name), classpath, work.resolve("run.log"), null));
            }
        }
        System.out.printf("load average at the end %s%n%n", loadAverage());

        Map<String, Map<String, int[]>> classes = new LinkedHashMap<>();
        for (String name : names) {
            Path log = work.resolve("classes.log");
            run(variants.get(name), classpath, work.resolve("run.log"), log);
            classes.put(name, ClassCount.byGroup(log));
        }

        System.out.printf("%-32s %10s %8s %8s %9s%n", "variant", "median ms", "min", "max", "classes");
        double plain = median(times.get("no agent"));
        for (String name : names) {
            List<Double> t = times.get(name);
            System.out.printf("%-32s %10.0f %8.0f %8.0f %9d   %+.0f ms over no agent; each: %s%n", name, median(t),
                    Collections.min(t), Collections.max(t), classes.get(name).get(ClassCount.ALL)[0],
                    median(t) - plain, each(t));
        }
        System.out.printf("%nthe idempotency agent's cost, difference of medians: %+.0f ms over no agent, %+.0f ms over"
                + " the no-op agent%n%n", median(times.get("idempotency agent")) - plain,
                median(times.get("idempotency agent")) - median(times.get("no-op agent")));

        System.out.printf("classes loaded (of which from a CDS archive), by group:%n%-40s", "");
        for (String name : names) {
            System.out.printf(" %22s", name.length() > 22 ? name.substring(0, 22) : name);
        }
        System.out.println();
        for (String group : ClassCount.GROUPS) {
            System.out.printf("%-40s", group);
            for (String name : names) {
                int[] count = classes.get(name).get(group);
                System.out.printf(" %22s", count == null ? "0" : count[0] + " (" + count[1] + ")");
            }
            System.out.println();
        }
    }

    /** One run to its end; its wall time in ms. */
    private static double run(List<String> options, String classpath, Path output, Path classLog) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String fullClasspath = classpath;
        for (String option : options) {
            if (option.startsWith(APPEND_CP)) {
                fullClasspath += java.io.File.pathSeparator + option.substring(APPEND_CP.length());
            } else {
                command.add(option);
            }
        }
        if (classLog != null) {
            command.add("-Xlog:class+load=info:file=" + classLog);
        }
        command.add("-cp");
        command.add(fullClasspath);
        command.add(TinyApp.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        long started = System.nanoTime();
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("did not finish in 120 s: " + command);
        }
        double millis = (System.nanoTime() - started) / 1e6;
        String text = Files.readString(output, StandardCharsets.UTF_8);
        if (process.exitValue() != 0 || !text.contains(EXPECTED)) {
            throw new IllegalStateException("unexpected run of " + command + ": exit " + process.exitValue() + "\n" + text);
        }
        return millis;
    }

    /**
     * The program's classes alone, copied out of this class's class path (target/test-classes) into a jar: AppCDS
     * archives only classes from jars.
     */
    private static Path tinyAppJar(Path jar) throws IOException, URISyntaxException {
        Path from = Path.of(TinyApp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String pkg = TinyApp.class.getPackageName().replace('.', '/');
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (OutputStream file = Files.newOutputStream(jar);
             JarOutputStream out = new JarOutputStream(file, manifest);
             Stream<Path> files = Files.list(from.resolve(pkg))) {
            for (Path path : (Iterable<Path>) files::iterator) {
                String name = path.getFileName().toString();
                if (name.equals("TinyApp.class") || name.startsWith("TinyApp$")) {
                    out.putNextEntry(new JarEntry(pkg + "/" + name));
                    Files.copy(path, out);
                    out.closeEntry();
                }
            }
        }
        return jar;
    }

    private static Path noOpAgentJar(Path jar) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", NoOpAgent.class.getName());
        String entry = NoOpAgent.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar);
             JarOutputStream out = new JarOutputStream(file, manifest);
             InputStream in = NoOpAgent.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "(unknown)";
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String each(List<Double> values) {
        StringBuilder sb = new StringBuilder();
        for (double v : values) {
            sb.append(sb.length() == 0 ? "" : " ").append(Math.round(v));
        }
        return sb.toString();
    }

    /** Counts the lines of a {@code -Xlog:class+load} file by group of class names. */
    static final class ClassCount {
        static final String ALL = "all";
        private static final String SHADED = "dev.idempotency.shaded.";
        /** Groups, first match wins; the order of the table's rows. */
        private static final String[][] PREFIXES = {
            {"Byte Buddy (and its ASM)", SHADED + "bytebuddy."},
            {"Jackson", SHADED + "jackson."},
            {"Caffeine", SHADED + "caffeine."},
            {"other shaded libraries", SHADED},
            {"idempotency agent", "dev.idempotency.agent."},
            {"idempotency core", "dev.idempotency.bridge.", "dev.idempotency.core.", "dev.idempotency.internal.",
                "dev.idempotency.memory.", "dev.idempotency.spi."},
            {"the program", "dev.idempotency.testapp."},
            {"idempotency api", "dev.idempotency."},
            {"JDK: security, SecureRandom", "java.security.", "sun.security.", "javax.crypto.", "com.sun.crypto."},
            {"JDK: logging (JUL, System.Logger)", "java.util.logging.", "sun.util.logging.", "jdk.internal.logger."},
            {"JDK: instrument, agents", "sun.instrument.", "java.lang.instrument."},
            {"JDK: invoke, lambdas, hidden classes", "java.lang.invoke.", "jdk.internal.invoke", "sun.invoke."},
            {"JDK: ServiceLoader, zip/jar, reflection", "java.util.ServiceLoader", "java.util.zip.", "java.util.jar.",
                "sun.net.www.protocol.jar.", "jdk.internal.reflect.", "java.lang.reflect."},
            {"JDK: java.util.concurrent", "java.util.concurrent."},
            {"JDK: other", ""},
        };
        static final List<String> GROUPS;

        static {
            List<String> groups = new ArrayList<>();
            for (String[] group : PREFIXES) {
                groups.add(group[0]);
            }
            groups.add(ALL);
            GROUPS = List.copyOf(groups);
        }

        private ClassCount() {
        }

        /** {group: {classes, of which from a CDS archive}}. */
        static Map<String, int[]> byGroup(Path log) throws IOException {
            Map<String, int[]> counts = new LinkedHashMap<>();
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                int tag = line.indexOf("[class,load] ");
                if (tag < 0) {
                    continue;
                }
                String rest = line.substring(tag + "[class,load] ".length());
                String name = rest.substring(0, rest.indexOf(' ') < 0 ? rest.length() : rest.indexOf(' '));
                boolean shared = rest.contains("source: shared objects file");
                String group = group(name);
                for (String g : List.of(group, ALL)) {
                    int[] count = counts.computeIfAbsent(g, k -> new int[2]);
                    count[0]++;
                    count[1] += shared ? 1 : 0;
                }
            }
            return counts;
        }

        private static String group(String name) {
            for (String[] group : PREFIXES) {
                for (int i = 1; i < group.length; i++) {
                    if (name.startsWith(group[i])) {
                        return group[0];
                    }
                }
            }
            throw new AssertionError(name);
        }
    }
}
