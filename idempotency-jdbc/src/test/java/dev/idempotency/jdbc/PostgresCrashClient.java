package dev.idempotency.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.idempotency.IdempotencyInProgressException;
import dev.idempotency.IdempotencyStoreException;
import dev.idempotency.Idempotent;
import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.core.IdempotencyEvent;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A retrying client in a child JVM of {@link PostgresCrashTest}, woven by this module's test-compile: every thread goes
 * through every key (each JVM from its own offset) and retries a call on {@link IdempotencyStoreException} (503),
 * {@link IdempotencyInProgressException} (409) and, in transactional mode, a failed commit, until it returns. Each run
 * of the body appends its key to the runs file first. Modes:
 * <ul>
 * <li>{@code store}: the store from its URI, outside any transaction;
 * <li>{@code transactional}: each call in a transaction bound with {@link JdbcIdempotency#bind}, the body writing
 *     one business row {@code (k, jvm)} through it; the record commits with that row.
 * </ul>
 * Arguments as {@code dev.idempotency.redis.CrashClient}'s: {@code <mode:url> <lease> <jvmId> <jvmIndex> <jvms>
 * <keys> <threads> <bodyMillis> <goFile> <runsFile> <resultsFile>}, where the first is {@code store:<uri>} or
 * {@code transactional:<jdbc url>}.
 */
public final class PostgresCrashClient {

    static final String BUSINESS_DDL = "CREATE TABLE IF NOT EXISTS crash_payments (k varchar(64) NOT NULL,"
            + " jvm varchar(16) NOT NULL)";

    private final String jvm;
    private final long bodyMillis;
    private final FileOutputStream runs;
    final ThreadLocal<Connection> connection = new ThreadLocal<>();

    PostgresCrashClient(String jvm, long bodyMillis, FileOutputStream runs) {
        this.jvm = jvm;
        this.bodyMillis = bodyMillis;
        this.runs = runs;
    }

    @Idempotent(key = "#key", namespace = "crash.pay")
    public String pay(String key) throws IOException, InterruptedException, SQLException {
        synchronized (runs) {
            runs.write((key + "\n").getBytes(StandardCharsets.UTF_8)); // unbuffered: in the file on return
        }
        Connection c = connection.get();
        if (c != null) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO crash_payments (k, jvm) VALUES (?, ?)")) {
                ps.setString(1, key);
                ps.setString(2, jvm);
                ps.executeUpdate();
            }
        }
        Thread.sleep(bodyMillis);
        return jvm + ":" + key;
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        String[] mode = args[0].split(":", 2);
        boolean transactional = mode[0].equals("transactional");
        String jvm = args[2];
        int index = Integer.parseInt(args[3]);
        int jvms = Integer.parseInt(args[4]);
        int keys = Integer.parseInt(args[5]);
        int threads = Integer.parseInt(args[6]);
        long bodyMillis = Long.parseLong(args[7]);
        Path go = Path.of(args[8]);
        AtomicInteger storeErrorEvents = new AtomicInteger();
        HikariDataSource ds = null;
        IdempotencyConfig.Builder config = IdempotencyConfig.builder().defaultLease(args[1]).listener(e -> {
            if (e.type() == IdempotencyEvent.Type.STORE_ERROR) {
                storeErrorEvents.incrementAndGet();
            }
        });
        if (transactional) {
            HikariConfig hikari = new HikariConfig();
            hikari.setJdbcUrl(mode[1]);
            hikari.setMaximumPoolSize(threads * 2);
            hikari.setConnectionTimeout(1_000);
            ds = new HikariDataSource(hikari);
            config.store(JdbcStore.builder(ds).database(Database.POSTGRESQL).createTable(true).build());
        } else {
            config.storeUri(mode[1]);
        }
        Idempotency.configure(config.build());
        try (FileOutputStream runs = new FileOutputStream(args[9], true)) {
            PostgresCrashClient client = new PostgresCrashClient(jvm, bodyMillis, runs);
            HikariDataSource pool = ds;
            Call call = key -> {
                if (!transactional) {
                    return client.pay(key);
                }
                try (Connection c = pool.getConnection()) {
                    c.setAutoCommit(false);
                    try (var tx = JdbcIdempotency.bind(c)) {
                        client.connection.set(c);
                        String result = client.pay(key);
                        c.commit();
                        return result;
                    } catch (Exception e) {
                        try {
                            c.rollback();
                        } catch (SQLException ignored) {
                            // the connection died with the server
                        }
                        throw e;
                    } finally {
                        client.connection.remove();
                    }
                }
            };
            // the store connects on first use: a JVM's first connect (driver classes, session) can take longer than
            // this pool's 1 s while several JVMs start at once; the warm-up waits for it, as it waited for the pool
            for (int attempt = 1; ; attempt++) {
                try {
                    call.pay("warm-up-" + jvm);
                    break;
                } catch (IdempotencyStoreException e) {
                    if (attempt == 20) {
                        throw e;
                    }
                }
            }
            out.println("READY");
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!Files.exists(go)) {
                if (System.nanoTime() > until) {
                    throw new IllegalStateException("no go signal within 90 s");
                }
                Thread.sleep(5);
            }
            ConcurrentLinkedQueue<String> results = new ConcurrentLinkedQueue<>();
            AtomicInteger calls = new AtomicInteger();
            AtomicInteger storeErrors = new AtomicInteger();
            AtomicInteger inProgress = new AtomicInteger();
            ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(100);
            ExecutorService threadPool = Executors.newFixedThreadPool(threads);
            for (int t = 0; t < threads; t++) {
                int thread = t;
                threadPool.submit(() -> {
                    int offset = keys * index / jvms;
                    for (int i = thread; i < keys; i += threads) {
                        String key = "k-" + ((offset + i) % keys);
                        while (true) {
                            if (System.nanoTime() > deadline) {
                                unexpected.add(key + " still failing at the deadline");
                                return;
                            }
                            try {
                                calls.incrementAndGet();
                                results.add(key + " " + call.pay(key));
                                break;
                            } catch (IdempotencyStoreException | SQLException e) {
                                storeErrors.incrementAndGet(); // a failed commit counts as a store error too
                            } catch (IdempotencyInProgressException e) {
                                inProgress.incrementAndGet();
                            } catch (Throwable e) {
                                unexpected.add(key + " " + e);
                                break;
                            }
                            try {
                                Thread.sleep(20);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    }
                });
            }
            threadPool.shutdown();
            if (!threadPool.awaitTermination(110, TimeUnit.SECONDS)) {
                throw new IllegalStateException("calls did not finish within 110 s");
            }
            List<String> lines = new ArrayList<>(results);
            Files.write(Path.of(args[10]), lines, StandardCharsets.UTF_8);
            unexpected.forEach(u -> out.println("UNEXPECTED " + u));
            out.println("FINISHED");
            Path stop = Path.of(go + ".stop");
            for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); !Files.exists(stop)
                    && System.nanoTime() < end; ) {
                Thread.sleep(20);
            }
            out.println("DONE calls=" + calls + " storeErrors=" + storeErrors + " inProgress=" + inProgress
                    + " storeErrorEvents=" + storeErrorEvents + " unexpected=" + unexpected.size());
        }
        Idempotency.reset();
        if (ds != null) {
            ds.close();
        }
        System.exit(0);
    }

    private interface Call {
        String pay(String key) throws Exception;
    }
}
