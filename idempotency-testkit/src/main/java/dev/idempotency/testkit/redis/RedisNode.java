package dev.idempotency.testkit.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A {@code redis-server} (or sentinel) that a test starts on a loopback port, in a temp dir, without persistence,
 * and kills afterwards: by {@link #close()}, and by a JVM shutdown hook for whatever a failing test left running.
 * Needs no Redis client library: set-up talks to it through {@link Resp} and {@code redis-cli}.
 */
public final class RedisNode implements AutoCloseable {

    private static final Set<RedisNode> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (RedisNode node : RUNNING) {
                node.process.destroyForcibly();
            }
        }, "redis-node-reaper"));
    }

    public final int port;
    public final Path dir;
    private final List<String> command;
    private volatile Process process;

    private RedisNode(int port, Path dir, List<String> command) {
        this.port = port;
        this.dir = dir;
        this.command = command;
    }

    /** A server on {@code port} with the standard test settings and {@code extra} arguments. */
    public static RedisNode start(int port, String... extra) {
        Path dir = tempDir("redis-" + port + "-");
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                "--logfile", dir.resolve("redis.log").toString(), "--protected-mode", "yes"));
        command.addAll(List.of(extra));
        RedisNode node = new RedisNode(port, dir, command);
        node.launch();
        return node;
    }

    /**
     * A server that keeps what it acknowledges: AOF with {@code appendfsync always}, in its dir, so that a server
     * killed with SIGKILL and {@link #restart restarted} on the same port and dir has every write it answered.
     */
    public static RedisNode startDurable(int port, String... extra) {
        List<String> args = new ArrayList<>(List.of("--appendonly", "yes", "--appendfsync", "always"));
        args.addAll(List.of(extra));
        return start(port, args.toArray(String[]::new));
    }

    /** A sentinel on {@code port} with the given configuration lines (port, bind and dir are added). */
    public static RedisNode sentinel(int port, String... config) {
        Path dir = tempDir("sentinel-" + port + "-");
        List<String> lines = new ArrayList<>(List.of("port " + port, "bind 127.0.0.1", "dir " + dir,
                "logfile " + dir.resolve("sentinel.log"), "protected-mode yes"));
        lines.addAll(List.of(config));
        Path conf = dir.resolve("sentinel.conf");
        try {
            Files.write(conf, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RedisNode node = new RedisNode(port, dir, List.of("redis-server", conf.toString(), "--sentinel"));
        node.launch();
        return node;
    }

    /**
     * A server that speaks only TLS on {@code port}, with the given certificate, key and CA files; clients need no
     * certificate of their own.
     */
    public static RedisNode startTls(int port, Path cert, Path key, Path ca) {
        Path dir = tempDir("redis-tls-" + port + "-");
        List<String> command = List.of("redis-server", "--port", "0", "--tls-port", String.valueOf(port),
                "--tls-cert-file", cert.toString(), "--tls-key-file", key.toString(), "--tls-ca-cert-file",
                ca.toString(), "--tls-auth-clients", "no", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", dir.toString(), "--logfile", dir.resolve("redis.log").toString());
        RedisNode node = new RedisNode(port, dir, command);
        node.tls = true;
        node.launch();
        return node;
    }

    private boolean tls;

    private boolean listening() {
        if (!tls) {
            return Resp.answersPing("127.0.0.1", port, true);
        }
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void launch() {
        launch(command);
    }

    private void launch(List<String> command) {
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0), e);
        }
        RUNNING.add(this);
        try {
            await("redis on port " + port + " answers", Duration.ofSeconds(10),
                    () -> listening() || !process.isAlive());
        } catch (AssertionError e) {
            kill();
            String log = log();
            deleteTree(dir);
            throw new IllegalStateException(e.getMessage() + log, e);
        }
        if (!process.isAlive()) {
            RUNNING.remove(this);
            String log = log();
            deleteTree(dir);
            throw new IllegalStateException("redis on port " + port + " exited at start: " + log);
        }
    }

    /** Starts the same server again, on the same port and dir (after {@link #kill} or {@link #shutdownSave}). */
    public void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException("port " + port + " is still running");
        }
        launch();
    }

    /**
     * Starts the same server again, on the same port and dir, with {@code extra} arguments this time only (e.g.
     * {@code --replicaof host port}).
     */
    public void restart(String... extra) {
        if (process.isAlive()) {
            throw new IllegalStateException("port " + port + " is still running");
        }
        List<String> again = new ArrayList<>(command);
        again.addAll(List.of(extra));
        launch(again);
    }

    /** {@code kill -9}. */
    public void kill() {
        Process p = process;
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RUNNING.remove(this);
    }

    /** A clean stop: {@code SHUTDOWN SAVE} writes the data to the dir, so {@link #restart} finds it again. */
    public void shutdownSave() {
        try (Resp redis = resp()) {
            redis.call("SHUTDOWN", "SAVE");
        } catch (RuntimeException expected) {
            // the connection closes as the server exits
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RUNNING.remove(this);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Every line of this node's log that contains one of {@code words}. */
    public List<String> logLines(String... words) {
        try (Stream<Path> files = Files.list(dir)) {
            List<String> found = new ArrayList<>();
            for (Path f : files.filter(f -> f.toString().endsWith(".log")).toList()) {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    for (String word : words) {
                        if (line.contains(word)) {
                            found.add(line);
                            break;
                        }
                    }
                }
            }
            return found;
        } catch (IOException e) {
            return List.of("(no log: " + e + ")");
        }
    }

    /** A plain connection for test set-up; the caller closes it. */
    public Resp resp() {
        return Resp.connect("127.0.0.1", port);
    }

    public String log() {
        try (Stream<Path> files = Files.list(dir)) {
            StringBuilder sb = new StringBuilder();
            for (Path f : files.filter(f -> f.toString().endsWith(".log")).toList()) {
                List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                sb.append("\n--- ").append(f.getFileName()).append('\n')
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
            }
            return sb.toString();
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        kill();
        deleteTree(dir);
    }

    /** Runs redis-cli with the arguments; returns its output, bounded in time. */
    public static String cli(String... args) {
        List<String> command = new ArrayList<>(List.of("redis-cli"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("redis-cli " + args[0] + " did not finish in 60 s");
            }
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code count} ports from {@code first} up, each free on loopback now (and its cluster bus port, +10000, if
     * asked), within 10 ports of {@code first}.
     */
    public static int[] freePorts(int first, int count, boolean clusterBus) {
        int[] ports = new int[count];
        int found = 0;
        for (int port = first; port < first + count + 10 && found < count; port++) {
            if (free(port) && (!clusterBus || free(port + 10_000))) {
                ports[found++] = port;
            }
        }
        if (found < count) {
            throw new IllegalStateException("no " + count + " free loopback ports from " + first);
        }
        return ports;
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        dev.idempotency.testkit.Await.until(what, timeout, condition);
    }

    private static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }
}
