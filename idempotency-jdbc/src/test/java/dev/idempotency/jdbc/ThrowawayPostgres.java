package dev.idempotency.jdbc;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of the test's own, in a temporary directory on a spare port, that a test may stop and start
 * at will: the shared server on 5432 is never touched. Needs the server binaries ({@code initdb}, {@code pg_ctl});
 * run as root, it runs them as the {@code postgres} user, since PostgreSQL refuses to run as root.
 */
final class ThrowawayPostgres implements AutoCloseable {

    private final Path binaries;
    private final Path dir;
    private final Path data;
    private final int port;
    private final boolean asPostgresUser;

    private ThrowawayPostgres(Path binaries, Path dir, int port, boolean asPostgresUser) {
        this.binaries = binaries;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /** The server binaries' directory, or null when PostgreSQL's server is not installed. */
    static Path findBinaries() {
        for (String root : new String[] {"/usr/lib/postgresql", "/usr/local/pgsql"}) {
            File[] versions = new File(root).listFiles();
            if (versions == null) {
                continue;
            }
            Arrays.sort(versions, Comparator.comparing(File::getName).reversed());
            for (File v : versions) {
                Path bin = v.toPath().resolve("bin");
                if (Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl"))) {
                    return bin;
                }
            }
            Path bin = Path.of(root, "bin");
            if (Files.isExecutable(bin.resolve("initdb"))) {
                return bin;
            }
        }
        return null;
    }

    /** Creates and starts a new cluster; the caller closes it, which stops it and deletes its files. */
    static ThrowawayPostgres start(Path binaries) throws IOException, InterruptedException {
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("idemjdbc-pg-");
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        ThrowawayPostgres pg = new ThrowawayPostgres(binaries, dir, port, root);
        try {
            if (root) {
                run(List.of("chown", "postgres:postgres", dir.toString()), 30);
            }
            pg.pg(List.of(binaries.resolve("initdb").toString(), "-D", pg.data.toString(), "-A", "trust", "-U",
                    "postgres", "-E", "UTF8", "--no-sync"), 120);
            pg.startServer();
            return pg;
        } catch (IOException | InterruptedException | RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    int port() {
        return port;
    }

    String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
    }

    void startServer() throws IOException, InterruptedException {
        pg(List.of(binaries.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("server.log").toString(),
                "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "-w", "-t", "60",
                "start"), 90);
    }

    /** Stops the server at once, as a crash would (no checkpoint, connections cut). */
    void crash() throws IOException, InterruptedException {
        pg(List.of(binaries.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "-t", "60",
                "stop"), 90);
    }

    /**
     * {@code kill -9} of the postmaster and then of every process it had started, as a crash of the machine would
     * leave it (no checkpoint, no goodbye to clients); {@link #startServer} recovers from the WAL.
     */
    void killWithSigkill() throws IOException, InterruptedException {
        long pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid"), StandardCharsets.US_ASCII).get(0)
                .trim());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow(() -> new IOException("no postmaster " + pid));
        List<ProcessHandle> children = postmaster.children().toList();
        postmaster.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((postmaster.isAlive() || children.stream().anyMatch(ProcessHandle::isAlive)) && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        if (postmaster.isAlive()) {
            throw new IOException("the postmaster " + pid + " survived kill -9");
        }
    }

    @Override
    public void close() {
        try {
            if (Files.exists(data.resolve("postmaster.pid"))) {
                crash();
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            System.err.println("could not stop the throwaway PostgreSQL in " + dir + ": " + e);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                System.err.println("could not delete " + dir + ": " + e);
            }
        }
    }

    private void pg(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        run(full, timeoutSeconds);
    }

    private static void run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out after " + timeoutSeconds + " s: " + command);
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException("exit " + p.exitValue() + " from " + command + ":\n" + output);
        }
    }
}
