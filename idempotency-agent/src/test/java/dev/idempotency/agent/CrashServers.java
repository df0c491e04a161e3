package dev.idempotency.agent;

import dev.idempotency.testkit.crash.CrashRun;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The servers {@link CrashAgentIT} crashes: a Redis that keeps what it acknowledged (AOF, fsync always) and a
 * PostgreSQL cluster, each of the test's own, on a spare loopback port, in a temp dir deleted on close. (The Redis
 * and JDBC modules have the same in their tests, which this module cannot see.)
 */
final class CrashServers {

    private CrashServers() {
    }

    /** Skips the test with what to install, or fails it under {@code CI=true}. */
    static void missing(String what) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail("CI=true, but " + what);
        }
        Assumptions.abort("skipped: " + what);
    }

    static boolean onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> new File(dir, program).canExecute());
    }

    static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }

    private static String run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out after " + timeoutSeconds + " s: " + command);
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException("exit " + p.exitValue() + " from " + command + ":\n" + output);
        }
        return output;
    }

    /** {@code redis-server} with AOF and {@code appendfsync always}: a SIGKILL loses nothing it answered. */
    static final class DurableRedis implements AutoCloseable {
        final int port;
        private final Path dir;
        private final List<String> command;
        private Process process;

        DurableRedis() throws IOException {
            port = freePort();
            dir = Files.createTempDirectory("crash-redis-");
            command = List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
                    "--appendonly", "yes", "--appendfsync", "always", "--dir", dir.toString(), "--logfile",
                    dir.resolve("redis.log").toString());
            start();
        }

        void start() throws IOException {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.log").toFile()).start();
            dev.idempotency.testkit.Await.until("redis on port " + port + " answers", java.time.Duration.ofSeconds(10), () -> {
                if (!process.isAlive()) {
                    throw new AssertionError("redis-server exited: " + CrashRun.read(dir.resolve("redis.log")));
                }
                return pong();
            });
        }

        /** {@code kill -9}. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }

        private boolean pong() {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                socket.setSoTimeout(1000);
                OutputStream out = socket.getOutputStream();
                out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                InputStream in = socket.getInputStream();
                return "+PONG".equals(new String(in.readNBytes(5), StandardCharsets.US_ASCII));
            } catch (IOException e) {
                return false;
            }
        }

        @Override
        public void close() throws InterruptedException {
            kill();
            deleteTree(dir);
        }
    }

    /** A throwaway PostgreSQL cluster; run as root, its programs run as the {@code postgres} user. */
    static final class Postgres implements AutoCloseable {
        final int port;
        private final Path bin;
        private final Path dir;
        private final Path data;
        private final boolean root = "root".equals(System.getProperty("user.name"));

        /** The server binaries' directory, or null when PostgreSQL's server is not installed. */
        static Path binaries() {
            File[] versions = new File("/usr/lib/postgresql").listFiles();
            if (versions == null) {
                return null;
            }
            Arrays.sort(versions, Comparator.comparing(File::getName).reversed());
            for (File v : versions) {
                Path bin = v.toPath().resolve("bin");
                if (Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("psql"))) {
                    return bin;
                }
            }
            return null;
        }

        Postgres(Path bin) throws IOException, InterruptedException {
            this.bin = bin;
            this.port = freePort();
            this.dir = Files.createTempDirectory("crash-pg-");
            this.data = dir.resolve("data");
            try {
                if (root) {
                    run(List.of("chown", "postgres:postgres", dir.toString()), 30);
                }
                pg(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust", "-U", "postgres",
                        "-E", "UTF8", "--no-sync"), 120);
                start();
            } catch (IOException | InterruptedException | RuntimeException e) {
                close();
                throw e;
            }
        }

        String url() {
            return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
        }

        void start() throws IOException, InterruptedException {
            pg(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("server.log")
                    .toString(), "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off",
                    "-w", "-t", "60", "start"), 90);
        }

        /** {@code kill -9} of the postmaster, then of every process it had started. */
        void kill() throws IOException, InterruptedException {
            long pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
            ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow(() -> new IOException("no postmaster " + pid));
            List<ProcessHandle> children = postmaster.children().toList();
            postmaster.destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((postmaster.isAlive() || children.stream().anyMatch(ProcessHandle::isAlive))
                    && System.nanoTime() < end) {
                Thread.sleep(10);
            }
        }

        /** One SQL statement through psql; its unaligned output. */
        String sql(String statement) throws IOException, InterruptedException {
            return run(List.of(bin.resolve("psql").toString(), "-h", "127.0.0.1", "-p", String.valueOf(port), "-U",
                    "postgres", "-d", "postgres", "-At", "-c", statement), 30).trim();
        }

        private void pg(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
            List<String> full = new ArrayList<>();
            if (root) {
                full.addAll(List.of("runuser", "-u", "postgres", "--"));
            }
            full.addAll(command);
            run(full, timeoutSeconds);
        }

        @Override
        public void close() {
            try {
                Path pid = data.resolve("postmaster.pid");
                if (Files.exists(pid)) {
                    kill();
                }
            } catch (IOException | InterruptedException | RuntimeException e) {
                System.err.println("could not stop the throwaway PostgreSQL in " + dir + ": " + e);
            } finally {
                deleteTree(dir);
            }
        }
    }
}
